"""The two full-text dialects. Each turns parsed clauses into a predicate on `search_document d`.

Both are handed the same normalised terms, and the 'simple'/unicode61 tokenizers only split on spaces, so a
clause matches exactly the same rows on SQLite and PostgreSQL. Terms are [a-z0-9]+ by construction (text.py),
so quoting them cannot be escaped from.

Besides the words, each document's index holds flags (document_flags): the year and month it was published
("y2026", "m202611"), its type, event, tags, people, place... ("kvideo", "e7", "t3", "p30"), which filter a
search with words there, and let "video" or "2024" in a query match the type or the year as well as the words.
A common word matches tens of thousands of documents; asking for it together with a few months' flags lets the
inverted index intersect the lists and hand back only those months' matches, so reading the most recent
matches costs what they are, not what all the matches are. Flags live in their own column (FTS5) or under
their own prefix (PostgreSQL), out of reach of anything a user types.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.db import connection

from newsreel.search.query import Clause

Sql = tuple[str, list[Any]]


def year_flag(year: int) -> str:
    return f"y{year}"  # the year of publication, in the site's time zone, as date filters count days


def month_flag(year: int, month: int) -> str:
    return f"m{year}{month:02d}"  # the month of publication, likewise


def event_flag(pk: int) -> str:
    return f"e{pk}"


def tag_flag(pk: int) -> str:
    return f"t{pk}"


def person_flag(pk: int) -> str:
    return f"p{pk}"


def kind_flag(kind: str) -> str:
    return f"k{kind}"


def location_flag(location: str) -> str:
    return "l" + hashlib.sha1(location.encode(), usedforsecurity=False).hexdigest()[:12]


def has_flag(what: str) -> str:
    return f"h{what}"  # hen, hfr: a title in that language; hsl: a shotlist; hcc: published captions


def document_flags(*, published: dt.date, shot_on: dt.date | None, kind: str, event_id: int | None,
                   tag_ids: Iterable[int], person_ids: Iterable[int], location: str, has_shotlist: bool,
                   has_en: bool, has_fr: bool, has_captions: bool = False) -> str:
    """A document's flags, from its index row's own values (`published` is the local publication date)."""
    flags = [year_flag(published.year), month_flag(published.year, published.month), kind_flag(kind)]
    if shot_on is not None:
        flags.append(shot_flag(shot_on.year))
    if event_id is not None:
        flags.append(event_flag(event_id))
    flags += [tag_flag(pk) for pk in tag_ids] + [person_flag(pk) for pk in person_ids]
    if location:
        flags.append(location_flag(location))
    flags += [has_flag(name) for name, on in (("sl", has_shotlist), ("en", has_en), ("fr", has_fr),
                                              ("cc", has_captions)) if on]
    return " ".join(flags)


def shot_flag(year: int) -> str:
    return f"s{year}"


def _alternatives(clause: Clause) -> list[tuple[str, tuple[str, ...]]]:
    """The clause's alternatives, less the exact words when they are also asked as a prefix (which finds them
    anyway): one list fewer for the index to merge."""
    return [(column, terms) for column, terms in clause.alternatives() if not (clause.prefix and column == "words")]


def clause_flags(clause: Clause) -> list[str]:
    """Flags that satisfy a clause instead of its words: a type ("videos") or a year (published or shot then)."""
    if clause.kind:
        return [kind_flag(clause.kind)]
    if clause.year is not None:
        return [year_flag(clause.year), shot_flag(clause.year)]
    return []


class Dialect(Protocol):
    strpos: str

    def match(self, clauses: Sequence[Clause], *, flags: Sequence[Sequence[str]] = (),
              exclusions: Sequence[Clause] = ()) -> Sql:
        """Rows matching every clause, one flag of each group and none of the exclusions. One index lookup:
        the index answers the flags and exclusions too, no row is re-read."""

    def match_any(self, clauses: Sequence[Clause]) -> Sql:
        """Rows matching at least one clause."""


class Fts5:
    strpos = "instr"
    _COLUMNS = {"en": "en", "fr": "fr", "words": "words"}

    def _clause(self, clause: Clause, *, flags: bool = False) -> str:
        options = [f'{self._COLUMNS[column]} : "{" ".join(terms)}"' for column, terms in _alternatives(clause)]
        if clause.prefix:
            options.append(f'words : "{" ".join(clause.words)}" *')
        if flags:
            options += [f"flags : {flag}" for flag in clause_flags(clause)]
        return "(" + " OR ".join(options) + ")"

    def _in(self, expression: str) -> Sql:
        return "d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [expression]

    def match(self, clauses: Sequence[Clause], *, flags: Sequence[Sequence[str]] = (),
              exclusions: Sequence[Clause] = ()) -> Sql:
        expression = " AND ".join([self._clause(c, flags=True) for c in clauses]
                                  + [f"flags : ({' OR '.join(group)})" for group in flags])
        if exclusions:
            expression = f"({expression}) NOT ({' OR '.join(self._clause(c) for c in exclusions)})"
        return self._in(expression)

    def match_any(self, clauses: Sequence[Clause]) -> Sql:
        return self._in(" OR ".join(self._clause(c) for c in clauses))


class TsQuery:
    strpos = "strpos"
    _PREFIX = {"en": "e", "fr": "f", "words": "w", "flags": "x"}  # glued to each lexeme by the generated column

    def _phrase(self, column: str, terms: Sequence[str], prefix: bool = False) -> str:
        letter = self._PREFIX[column]
        parts = [f"'{letter}{term}'" for term in terms]
        if prefix:
            parts[-1] += ":*"
        return "(" + " <-> ".join(parts) + ")"

    def _clause(self, clause: Clause, *, flags: bool = False) -> str:
        options = [self._phrase(column, terms) for column, terms in _alternatives(clause)]
        if clause.prefix:
            options.append(self._phrase("words", clause.words, prefix=True))
        if flags:
            options += [f"'x{flag}'" for flag in clause_flags(clause)]
        return "(" + " | ".join(options) + ")"

    def _in(self, tsquery: str) -> Sql:
        # The vector is on the document row itself (migration 0003): no join, and the planner may AND the GIN
        # index with the date, event or type indexes.
        return "d.tsv @@ CAST(%s AS tsquery)", [tsquery]

    def match(self, clauses: Sequence[Clause], *, flags: Sequence[Sequence[str]] = (),
              exclusions: Sequence[Clause] = ()) -> Sql:
        tsquery = " & ".join([self._clause(c, flags=True) for c in clauses]
                             + ["(" + " | ".join(f"'x{flag}'" for flag in group) + ")" for group in flags])
        if exclusions:
            tsquery += " & !(" + " | ".join(self._clause(c) for c in exclusions) + ")"
        return self._in(tsquery)

    def match_any(self, clauses: Sequence[Clause]) -> Sql:
        return self._in(" | ".join(self._clause(c) for c in clauses))


def dialect() -> Dialect:
    if connection.vendor == "postgresql":
        return TsQuery()
    if connection.vendor == "sqlite":
        return Fts5()
    raise RuntimeError(f"Search has no full-text backend for {connection.vendor}")
