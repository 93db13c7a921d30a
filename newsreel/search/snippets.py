"""Highlighted snippets for the hits on one page, found with the same word folding and stemming as the index."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsreel.publishing import localized
from newsreel.search.caption_lines import CaptionLine, published_lines
from newsreel.search.engine import Hit
from newsreel.search.query import Clause, ParsedQuery
from newsreel.search.text import LANGS, stem, strip_html, typed_stem, words

# A designation ("F-35") is one token, as in the index (text.py); otherwise runs of word characters.
_TOKEN = re.compile(r"[^\W\d_]+[-\u2010\u2011\u2012\u2013][0-9]\w*|\w+", re.UNICODE)
WINDOW_WORDS = 28


class Matcher:
    def __init__(self, clauses: Sequence[Clause]) -> None:
        self.words = {word for clause in clauses for word in clause.words}
        self.stems = {lang: {s for clause in clauses for s in (*clause.stems(lang), *clause.unaccented_stems(lang))}
                      for lang in LANGS}
        self.prefixes = tuple(clause.words[-1] for clause in clauses if clause.prefix)
        self._seen: dict[str, bool] = {}  # raw token -> matches; a page repeats the same words a lot

    def __bool__(self) -> bool:
        return bool(self.words)

    def hits(self, word: str) -> bool:
        known = self._seen.get(word)
        if known is None:
            known = self._seen[word] = self._hits(word)
        return known

    def _hits(self, word: str) -> bool:
        folded = "".join(words(word))  # "F-35" -> "f35"; any other token -> fold(token)
        if folded in self.words or (self.prefixes and folded.startswith(self.prefixes)):
            return True
        return any(((stemmed := stem(word, lang)) and stemmed in self.stems[lang])
                   or ((plain := typed_stem(word, lang)) and plain in self.stems[lang]) for lang in LANGS)


def highlight(text: str, matcher: Matcher, *, window: int = WINDOW_WORDS) -> SafeString | None:
    """A window of `text` around its first match with matches in <mark>, or None when nothing matches."""
    hits = matcher.hits
    # Words as strings first (no match objects): most texts of a page (shotlist lines) have no match at all.
    marked = [i for i, word in enumerate(_TOKEN.findall(text)) if hits(word)]
    if not marked:
        return None
    tokens = list(_TOKEN.finditer(text))
    first = max(0, marked[0] - window // 3)
    last = min(len(tokens), first + window)
    start = tokens[first].start() if first else 0
    end = tokens[last - 1].end() if last < len(tokens) else len(text)
    out, cursor = [], start
    for i in marked:
        if first <= i < last:
            token = tokens[i]
            out += [escape(text[cursor:token.start()]), f"<mark>{escape(token.group())}</mark>"]
            cursor = token.end()
    out.append(escape(text[cursor:end]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out).strip() + suffix)  # noqa: S308 - every piece was escaped above


def moment_link(url: str, moment: str, anchor: str) -> str:
    """The item page opened at a moment (?t=HH:MM:SS:FF, catalogue/timelinks.py), at the shotlist or the
    transcript. The moment is a timecode or a clock time from our own rows: nothing to escape but the URL's."""
    return f"{url}?{urlencode({'t': moment}, safe=':;')}#{anchor}"


def _timed_lines(obj: Any, captions: Sequence[CaptionLine], code: str | None) -> Iterator[tuple[Any, str]]:
    """An item's lines with times in one language: its shotlist's, then its published captions' (code None:
    captions in a language search does not stem)."""
    if code is not None:
        for shot in obj.shots.all():
            yield shot, getattr(shot, f"description_{code}", "") or ""
    for line in captions:
        if line.language == code or (code is None and line.language not in LANGS):
            yield line, line.text


def _match_line(hit: Hit, captions: Sequence[CaptionLine], matcher: Matcher, lang: str, other: str) -> None:
    """The first line with times that matches, in the reader's language first; shotlist before captions."""
    url = hit.obj.get_absolute_url()
    for code in (lang, other, None):
        found = next(((line, marked) for line, text in _timed_lines(hit.obj, captions, code)
                      if (marked := highlight(text, matcher))), None)
        if found is None:
            continue
        line, hit.line_snippet = found
        if isinstance(line, CaptionLine):
            hit.caption, hit.line_url = line, moment_link(url, line.moment, "transcript")
        else:
            hit.shot, hit.line_url = line, moment_link(url, line.tc_in, "shotlist")
        return


def _texts(obj: object, kind: str, lang: str) -> list[str]:
    fields = ["summary", "body"] if kind == "article" else ["summary", "description"]
    texts = []
    for field in fields:
        value = getattr(obj, f"{field}_{lang}", "") or ""
        texts.append(strip_html(value) if field == "body" else value)
    return [text for text in texts if text.strip()]


def annotate(hits: list[Hit], query: ParsedQuery, lang: str) -> None:
    """Snippets in the reader's language when the match is there, else from the other language's text."""
    matcher = Matcher(query.clauses)
    other = next(code for code in LANGS if code != lang)
    captions = published_lines(hit.obj.pk for hit in hits if hit.kind != "article") if matcher else {}
    for hit in hits:
        obj = hit.obj
        summary = str(localized(obj, "summary", lang))
        if not matcher:
            hit.snippet = escape(summary[:300])
            continue
        hit.title_html = highlight(str(localized(obj, "title", lang)), matcher, window=1000) or ""
        candidates = _texts(obj, hit.kind, lang)
        if not hit.title_html:
            candidates.append(getattr(obj, f"title_{other}", "") or "")
        candidates += _texts(obj, hit.kind, other)
        hit.snippet = next((marked for text in candidates if (marked := highlight(text, matcher))), None) \
            or escape(summary[:240])
        if hit.kind != "article":
            _match_line(hit, captions.get(obj.pk, ()), matcher, lang, other)
