"""Highlighted snippets for the hits on one page, found with the same word folding and stemming as the index."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsreel.publishing import localized
from newsreel.search.engine import Hit
from newsreel.search.query import Clause, ParsedQuery
from newsreel.search.text import LANGS, fold, stem, strip_html

_TOKEN = re.compile(r"\w+", re.UNICODE)
WINDOW_WORDS = 28


class Matcher:
    def __init__(self, clauses: Sequence[Clause]) -> None:
        self.words = {word for clause in clauses for word in clause.words}
        self.stems = {lang: {s for clause in clauses for s in clause.stems(lang)} for lang in LANGS}
        self.prefixes = tuple(clause.words[-1] for clause in clauses if clause.prefix)

    def __bool__(self) -> bool:
        return bool(self.words)

    def hits(self, word: str) -> bool:
        folded = fold(word)
        if folded in self.words or (self.prefixes and folded.startswith(self.prefixes)):
            return True
        return any(stem(folded, lang) and stem(folded, lang) in self.stems[lang] for lang in LANGS)


def highlight(text: str, matcher: Matcher, *, window: int = WINDOW_WORDS) -> SafeString | None:
    """A window of `text` around its first match with matches in <mark>, or None when nothing matches."""
    tokens = list(_TOKEN.finditer(text))
    marked = [i for i, token in enumerate(tokens) if matcher.hits(token.group())]
    if not marked:
        return None
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


def shot_link(url: str, tc_in: str) -> str:
    """Where the item page's player can seek to the shot later (?t=HH:MM:SS:FF, and the shotlist anchor)."""
    return f"{url}?t={tc_in}#shotlist"


def annotate(hits: list[Hit], query: ParsedQuery, lang: str) -> None:
    matcher = Matcher(query.clauses)
    for hit in hits:
        obj = hit.obj
        if not matcher:
            hit.snippet = escape(str(localized(obj, "summary", lang)))[:300]
            continue
        texts = [str(localized(obj, "summary", lang))]
        if hit.kind == "article":
            texts.append(strip_html(str(localized(obj, "body", lang))))
        else:
            texts.append(str(localized(obj, "description", lang)))
            for shot in obj.shots.all():
                line = localized(shot, "description", lang)
                marked = highlight(str(line), matcher)
                if marked:
                    hit.shot, hit.shot_url = shot, shot_link(obj.get_absolute_url(), shot.tc_in)
                    hit.shot_snippet = marked
                    break
        for text in texts:
            marked = highlight(text, matcher)
            if marked:
                hit.snippet = marked
                break
        else:
            hit.snippet = escape(texts[0][:240])
        hit.title_html = highlight(str(localized(obj, "title", lang)), matcher, window=1000) or ""
