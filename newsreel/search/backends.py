"""The two full-text dialects. Each turns parsed clauses into a predicate on `search_document d`.

Both are handed the same normalised terms, and the 'simple'/unicode61 tokenizers only split on spaces, so a
clause matches exactly the same rows on SQLite and PostgreSQL. Terms are [a-z0-9]+ by construction (text.py),
so quoting them cannot be escaped from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django.db import connection

from newsreel.search.query import Clause

Sql = tuple[str, list[Any]]
# Beyond this many text matches per window row, walking a date index (most rows tested match) beats sorting them.
WALK_FACTOR = 4


class Dialect(Protocol):
    strpos: str

    def match(self, clauses: Sequence[Clause], *, drive: bool = True) -> Sql:
        """Rows matching every clause. `drive=False`: the match is broad, let other indexes lead the query."""

    def match_any(self, clauses: Sequence[Clause]) -> Sql:
        """Rows matching at least one clause."""

    def prefers_walk(self, clauses: Sequence[Clause], window: int) -> bool:
        """True when the clauses match so many rows that walking a date index beats reading every match."""


class Fts5:
    strpos = "instr"
    _COLUMNS = {"en": "en", "fr": "fr", "words": "words"}

    def _clause(self, clause: Clause) -> str:
        options = [f'{self._COLUMNS[column]} : "{" ".join(terms)}"' for column, terms in clause.alternatives()]
        if clause.prefix:
            options.append(f'words : "{" ".join(clause.words)}" *')
        return "(" + " OR ".join(options) + ")"

    def _in(self, expression: str, drive: bool = True) -> Sql:
        # The unary + keeps SQLite from looking every match up by rowid and sorting them all: it then walks the
        # date (or event, type) index in order, tests each row against the match list, and stops at LIMIT.
        column = "d.id" if drive else "+d.id"
        return f"{column} IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [expression]  # noqa: S608 - fixed SQL

    def match(self, clauses: Sequence[Clause], *, drive: bool = True) -> Sql:
        return self._in(" AND ".join(self._clause(c) for c in clauses), drive)

    def prefers_walk(self, clauses: Sequence[Clause], window: int) -> bool:
        # Counting matching rowids in the inverted index alone is cheap (a few ms for 60,000) and bounded here.
        plain = [c for c in clauses if not c.kind and c.year is None]  # what engine._text_predicate ANDs
        if not plain:
            return False
        limit = window * WALK_FACTOR
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                           [" AND ".join(self._clause(c) for c in plain), limit + 1])
            return int(cursor.fetchone()[0]) > limit

    def match_any(self, clauses: Sequence[Clause]) -> Sql:
        return self._in(" OR ".join(self._clause(c) for c in clauses))


class TsQuery:
    strpos = "strpos"
    _PREFIX = {"en": "e", "fr": "f", "words": "w"}  # glued to each lexeme by the generated tsv column

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
        # OFFSET 0 plans the match on its own, where the GIN bitmap scan is chosen (see engine._fulltext_planning);
        # merged into the outer query it would become a walk of search_text's primary key testing every row.
        return ("d.id IN (SELECT t.document_id FROM search_text t WHERE t.tsv @@ CAST(%s AS tsquery) OFFSET 0)",
                [tsquery])

    def match(self, clauses: Sequence[Clause], *, drive: bool = True) -> Sql:
        return self._in(" & ".join(self._clause(c) for c in clauses))

    def prefers_walk(self, clauses: Sequence[Clause], window: int) -> bool:
        return False  # PostgreSQL's planner has statistics on lexeme frequencies and chooses by itself

    def match_any(self, clauses: Sequence[Clause]) -> Sql:
        return self._in(" | ".join(self._clause(c) for c in clauses))


def dialect() -> Dialect:
    if connection.vendor == "postgresql":
        return TsQuery()
    if connection.vendor == "sqlite":
        return Fts5()
    raise RuntimeError(f"Search has no full-text backend for {connection.vendor}")
