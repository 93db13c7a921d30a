"""Parse what a journalist types into clauses. Never raises: anything unparseable is simply ignored.

Syntax: words (all must match), "quoted phrases", -excluded words or -"phrases", word* for a prefix. The last
word is also matched as a prefix while it is being typed (no trailing space). A few words double as filters:
a type ("video", "photos", "article") or a year ("2024") match either the text or the item's type/date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsreel.search.text import LANGS, STOPWORDS, stem, tokens, typed_stem

MAX_QUERY_LENGTH = 300
MAX_CLAUSES = 8
MAX_EXCLUSIONS = 4
MIN_PREFIX_LENGTH = 3
_PIECE = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
KIND_WORDS = {
    "video": "video", "videos": "video", "photo": "photo", "photos": "photo", "picture": "photo",
    "pictures": "photo", "audio": "audio", "audios": "audio", "article": "article", "articles": "article",
}
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class Clause:
    """One thing that must (or, negated, must not) match: a word or a phrase of folded words."""

    words: tuple[str, ...]
    prefix: bool = False
    negated: bool = False
    # The words as typed (lower-case, accents kept): the stemmers read accents (text.py), the words column not.
    typed: tuple[str, ...] = ()

    def stems(self, lang: str) -> tuple[str, ...]:
        return tuple(s for s in (stem(word, lang) for word in (self.typed or self.words)) if s)

    def unaccented_stems(self, lang: str) -> tuple[str, ...]:
        """The stems of the words with accents folded first: what the index keeps for unaccented text."""
        return tuple(s for s in (typed_stem(word, lang) for word in (self.typed or self.words)) if s)

    @property
    def kind(self) -> str:
        return KIND_WORDS.get(self.words[0], "") if len(self.words) == 1 else ""

    @property
    def year(self) -> int | None:
        if len(self.words) == 1 and _YEAR.fullmatch(self.words[0]):
            return int(self.words[0])
        return None

    def alternatives(self) -> list[tuple[str, tuple[str, ...]]]:
        """(column, terms) pairs any of which satisfies the clause: stems per language, then plain words."""
        found: list[tuple[str, tuple[str, ...]]] = []
        for lang in LANGS:
            terms = self.stems(lang)
            # A phrase keeps the words that are not stopwords; a lone stopword has no stem to look for.
            if terms:
                found.append((lang, terms))
            # Typed with accents, it also finds text written without them (and the reverse: text.py).
            plain = self.unaccented_stems(lang)
            if plain and plain != terms:
                found.append((lang, plain))
        found.append(("words", self.words))
        return found


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...] = ()
    exclusions: tuple[Clause, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.clauses or self.exclusions)


def clean(raw: str) -> str:
    return _CONTROL.sub(" ", raw or "")[:MAX_QUERY_LENGTH]


def parse(raw: str, *, typing: bool = True) -> ParsedQuery:
    text = clean(raw)
    clauses: list[Clause] = []
    exclusions: list[Clause] = []
    pieces = list(_PIECE.finditer(text))
    for index, match in enumerate(pieces):
        if match.group(2) is not None:
            negated, body, quoted = bool(match.group(1)), match.group(2), True
        else:
            negated, body, quoted = bool(match.group(3)), match.group(4), False
            if body in _OPERATORS:
                continue
        pairs = tokens(body)
        folded = tuple(word for _typed, word in pairs)
        if not folded:
            continue
        explicit_prefix = not quoted and body.endswith("*")
        last_typed = typing and index == len(pieces) - 1 and not quoted and not text.endswith((" ", "\t"))
        prefix = (explicit_prefix or last_typed) and len(folded[-1]) >= MIN_PREFIX_LENGTH
        if len(folded) == 1 and not prefix and _is_stopword(folded[0]):
            continue
        clause = Clause(folded, prefix=prefix and not negated, negated=negated,
                        typed=tuple(typed for typed, _word in pairs))
        target = exclusions if negated else clauses
        if clause not in target:
            target.append(clause)
    return ParsedQuery(tuple(clauses[:MAX_CLAUSES]), tuple(exclusions[:MAX_EXCLUSIONS]))


def _is_stopword(word: str) -> bool:
    return len(word) < 2 or any(word in STOPWORDS[lang] for lang in LANGS)
