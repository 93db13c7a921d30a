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


class Dialect(Protocol):
    strpos: str

    def match(self, clauses: Sequence[Clause]) -> Sql:
        """Rows matching every clause."""

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

    def match(self, clauses: Sequence[Clause]) -> Sql:
        return self._in(" AND ".join(self._clause(c) for c in clauses))

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

    def match(self, clauses: Sequence[Clause]) -> Sql:
        return self._in(" & ".join(self._clause(c) for c in clauses))

    def match_any(self, clauses: Sequence[Clause]) -> Sql:
        return self._in(" | ".join(self._clause(c) for c in clauses))


def dialect() -> Dialect:
    if connection.vendor == "postgresql":
        return TsQuery()
    if connection.vendor == "sqlite":
        return Fts5()
    raise RuntimeError(f"Search has no full-text backend for {connection.vendor}")
