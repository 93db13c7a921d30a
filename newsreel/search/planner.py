"""PostgreSQL planner settings for the full-text queries of one search."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def fulltext_planning() -> Iterator[None]:
    """On PostgreSQL, keep the planner on the indexes, and JIT off (this transaction only).

    It prices `tsv @@ query` as cheap and so picks a sequential scan of search_text once a query matches more
    than a few percent of it, yet a GIN bitmap scan is 3 to 10 times faster at every selectivity we measured
    (24k documents: "Varsovie" 174 -> 11 ms, "negot" 161 -> 61 ms, "secretary general" 207 -> 34 ms). With
    sequential scans priced out every plan looks expensive, which would start JIT compilation: tens of
    milliseconds for a query that runs in a few.
    SQLite needs nothing (FTS5 is always the driver) and no transaction: IMMEDIATE would take the write lock.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # Same mispricing in joins: it would hash all visible documents to join a few thousand matches to them,
        # where looking each match up by primary key is what stays proportional to the matches. One statement:
        # a round trip costs about what a small step of the search does.
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), "
                       "set_config('enable_mergejoin', 'off', true), set_config('jit', 'off', true)")
        yield
