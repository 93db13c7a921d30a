"""The two full-text dialects. Each turns parsed clauses into a predicate on `search_document d`.

Both are handed the same normalised terms, and the 'simple'/unicode61 tokenizers only split on spaces, so a
clause matches exactly the same rows on SQLite and PostgreSQL. Terms are [a-z0-9]+ by construction (text.py),
so quoting them cannot be escaped from.

Besides the words, each document's index holds flags (indexing.flags): the year it was published ("y2026"),
and its event, tags and people ("e7", "t3", "p30"), which filter a search with words there. A common word
matches tens of thousands of documents; asking for it together with one year's flag lets the inverted index
intersect the two lists and hand back only that year's matches, so reading the most recent matches costs what
they are, not what all the matches are. Flags live in their own column (FTS5) or under their own prefix
(PostgreSQL), out of reach of anything a user types.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django.db import connection

from newsreel.search.query import Clause

Sql = tuple[str, list[Any]]


def year_flag(year: int) -> str:
    return f"y{year}"


def event_flag(pk: int) -> str:
    return f"e{pk}"


def tag_flag(pk: int) -> str:
    return f"t{pk}"


def person_flag(pk: int) -> str:
    return f"p{pk}"


class Dialect(Protocol):
    strpos: str

    def match(self, clauses: Sequence[Clause], *, years: Sequence[int] = (), flags: Sequence[str] = ()) -> Sql:
        """Rows matching every clause and having every flag (and published in one of `years`, if given)."""

    def match_any(self, clauses: Sequence[Clause]) -> Sql:
        """Rows matching at least one clause."""


class Fts5:
    strpos = "instr"
    _COLUMNS = {"en": "en", "fr": "fr", "words": "words"}

    def _clause(self, clause: Clause) -> str:
        options = [f'{self._COLUMNS[column]} : "{" ".join(terms)}"' for column, terms in clause.alternatives()]
        if clause.prefix:
            options.append(f'words : "{" ".join(clause.words)}" *')
        return "(" + " OR ".join(options) + ")"

    def _in(self, expression: str) -> Sql:
        return "d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [expression]

    def match(self, clauses: Sequence[Clause], *, years: Sequence[int] = (), flags: Sequence[str] = ()) -> Sql:
        expression = " AND ".join([self._clause(c) for c in clauses] + [f"flags : {flag}" for flag in flags])
        if years:
            expression += " AND flags : (" + " OR ".join(year_flag(year) for year in years) + ")"
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

    def _clause(self, clause: Clause) -> str:
        options = [self._phrase(column, terms) for column, terms in clause.alternatives()]
        if clause.prefix:
            options.append(self._phrase("words", clause.words, prefix=True))
        return "(" + " | ".join(options) + ")"

    def _in(self, tsquery: str) -> Sql:
        # The vector is on the document row itself (migration 0003): no join, and the planner may AND the GIN
        # index with the date, event or type indexes.
        return "d.tsv @@ CAST(%s AS tsquery)", [tsquery]

    def match(self, clauses: Sequence[Clause], *, years: Sequence[int] = (), flags: Sequence[str] = ()) -> Sql:
        tsquery = " & ".join([self._clause(c) for c in clauses] + [f"'x{flag}'" for flag in flags])
        if years:
            tsquery += " & (" + " | ".join(f"'x{year_flag(year)}'" for year in years) + ")"
        return self._in(tsquery)

    def match_any(self, clauses: Sequence[Clause]) -> Sql:
        return self._in(" | ".join(self._clause(c) for c in clauses))


def dialect() -> Dialect:
    if connection.vendor == "postgresql":
        return TsQuery()
    if connection.vendor == "sqlite":
        return Fts5()
    raise RuntimeError(f"Search has no full-text backend for {connection.vendor}")
