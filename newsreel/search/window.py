"""The window: the first NEWSREEL_SEARCH_WINDOW matching rows in date order, scored, read a few months at a time
through the index's month flags so that a common word costs what the window costs, not what all its matches would."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsreel.search.backends import Dialect, Sql, month_flag
from newsreel.search.filters import Where, day_start
from newsreel.search.params import SearchParams
from newsreel.search.query import Clause, ParsedQuery

TITLE_WEIGHT, META_WEIGHT, TEXT_WEIGHT = 8, 4, 1


def _score_sql(clauses: Sequence[Clause], db: Dialect) -> Sql:
    """Sum over the clauses of 8 (found in the title), 4 (tags, people, event, place) or 1 (elsewhere)."""
    parts: list[str] = []
    args: list[Any] = []
    for clause in clauses:
        needles = list(dict.fromkeys(f" {' '.join(terms)} " for _col, terms in clause.alternatives()))
        if clause.prefix:
            needles.append(f" {' '.join(clause.words)}")
        tests = []
        for column in ("title_key", "meta_key"):
            tests.append("(" + " OR ".join(f"{db.strpos}(d.{column}, %s) > 0" for _ in needles) + ")")
            args.extend(needles)
        parts.append(f"CASE WHEN {tests[0]} THEN {TITLE_WEIGHT} WHEN {tests[1]} THEN {META_WEIGHT} "
                     f"ELSE {TEXT_WEIGHT} END")
    return " + ".join(parts), args


class Row(NamedTuple):
    """One matching document of the window: what ranking and facets need, nothing from the content tables.
    (A named tuple: a thousand of them are made per search, and they cost a third of a frozen dataclass.)"""

    id: int
    item_id: int | None
    article_id: int | None
    kind: str
    event_id: int | None
    location: str
    has_shotlist: bool
    has_captions: bool
    has_en: bool
    has_fr: bool
    tag_ids: str
    person_ids: str
    in_lang: int
    score: int

    @property
    def target(self) -> tuple[str, int]:
        return ("i", self.item_id) if self.item_id is not None else ("a", int(self.article_id or 0))


_ROW_COLUMNS = ("d.id, d.item_id, d.article_id, d.kind, d.event_id, d.location, d.has_shotlist, d.has_captions, "
                "d.has_en, d.has_fr, "
                "d.tag_ids, d.person_ids")


@dataclass(frozen=True)
class Ranking:
    """How rows are scored: in_lang and score expressions over `d` (constants when sorting by date)."""

    in_lang: str = "0"
    score: str = "0"
    args: tuple[Any, ...] = ()


def ranking_for(params: SearchParams, parsed: ParsedQuery, lang: str, db: Dialect) -> Ranking:
    if params.sort != "relevance" or not parsed.clauses:
        return Ranking()
    score, args = _score_sql(parsed.clauses, db)
    return Ranking(f"CASE WHEN d.has_{lang} THEN 1 ELSE 0 END", score, tuple(args))


def fetch(where: Where, ranking: Ranking, *, ascending: bool, limit: int, offset: int = 0) -> list[Row]:
    """Matching rows in date order (publish time, then id: a total order), scored. The inner query stops at
    `limit`; only those rows are scored, by the outer one (in SQL: substring tests as fast on both engines)."""
    way = "ASC" if ascending else "DESC"
    matches = f"SELECT d.id AS w_id, d.publish_at AS w_at FROM search_document d WHERE {where.sql()}"  # noqa: S608 - fixed SQL; user values are parameters
    head = ""
    if where.plain is not None:
        # With words, collect the matches first (a materialised CTE is planned apart, with no order to keep) and
        # sort them after. Otherwise PostgreSQL walks the date index and tests each row's vector, de-TOASTing it,
        # which it does not price: 170 ms where the GIN index takes 10.
        head, matches = f"WITH m AS MATERIALIZED ({matches}) ", "SELECT w_id, w_at FROM m"
    # The inner query sorts narrow (id, time) pairs; the outer one reads the rest of the window's rows only.
    sql = (f"{head}SELECT {_ROW_COLUMNS}, {ranking.in_lang}, {ranking.score} FROM ({matches} "  # noqa: S608 - fixed SQL; user values are parameters
           f"ORDER BY w_at {way}, w_id {way} LIMIT %s OFFSET %s) w JOIN search_document d ON d.id = w.w_id "
           f"ORDER BY w.w_at {way}, w.w_id {way}")
    with connection.cursor() as cursor:
        args = [*where.args, *ranking.args] if head else [*ranking.args, *where.args]
        cursor.execute(sql, [*args, limit, offset])
        # The columns are NOT NULL and the expressions integers: the tuples go as they come (SQLite's booleans
        # stay 0/1, which counting and testing take alike).
        return list(map(Row._make, cursor.fetchall()))


FIRST_MONTHS = 3  # the first step asks for this many months by flag
MAX_MONTHS = 24  # the second step at most this many more; beyond, a publish-time bound (no flag list)
MAX_SPAN_MONTHS = 240  # the publish-time step spans at most this; a sparser word reads all its (few) matches


def _months(params: SearchParams, now: dt.datetime, *, ascending: bool) -> tuple[list[tuple[int, int]], bool]:
    """Up to FIRST_MONTHS + MAX_MONTHS (year, month) in the walk's direction, within the publication-date filter,
    and whether older (newer, ascending) months remain. Months count in the site's time zone, as the filters."""
    last = timezone.localtime(now).date()
    if params.published_to:
        last = min(last, params.published_to)
    first = params.published_from
    if ascending:
        with connection.cursor() as cursor:
            cursor.execute("SELECT MIN(publish_at) FROM search_document")
            oldest = cursor.fetchone()[0]
        if oldest is None:
            return [], False
        if isinstance(oldest, str):  # SQLite's raw cursor returns the stored text, in UTC
            oldest = dt.datetime.fromisoformat(oldest)
        if timezone.is_naive(oldest):
            oldest = oldest.replace(tzinfo=dt.UTC)
        first = max(timezone.localtime(oldest).date(), first or dt.date.min)
    if first is not None and first > last:
        return [], False
    start, end = (first or last, last) if ascending else (last, first)
    step = 1 if ascending else -1
    index = start.year * 12 + start.month - 1
    stop = None if end is None else end.year * 12 + end.month - 1
    months: list[tuple[int, int]] = []
    while len(months) < FIRST_MONTHS + MAX_MONTHS and (stop is None or (index - stop) * step <= 0):
        months.append(divmod(index, 12))
        index += step
    return [(year, month + 1) for year, month in months], stop is None or (index - stop) * step <= 0


def _month_start(year: int, month: int) -> Any:
    return day_start(dt.date(year, month, 1))


def read_window(where: Where, ranking: Ranking, db: Dialect, params: SearchParams, *, now: dt.datetime,
            ascending: bool, limit: int) -> list[Row]:
    """The first `limit` matching rows in date order, reading as few matches as the order allows.

    With words, in at most four steps: the first months by flag; then, if the first step says how many more
    months hold the rest of the window (and they are few), those months; then the publish-time span the
    density asks for (when it is under MAX_SPAN_MONTHS); then everything further, bounded by publish time.
    A common word reads about a window's worth of matches; a rare one, all its few matches.
    """
    if where.plain is None or where.plain.narrow:
        # No words: the date indexes walk the rows and stop at the limit by themselves. An event, tag, person or
        # place flag already bounds the matches to that event's (tag's...) documents: one step is enough.
        return fetch(where, ranking, ascending=ascending, limit=limit)
    months, more = _months(params, now, ascending=ascending)
    if not months:
        return []
    flags = [month_flag(year, month) for year, month in months]
    rows = fetch(where.narrowed(db, flags[:FIRST_MONTHS]), ranking, ascending=ascending, limit=limit)
    taken = min(FIRST_MONTHS, len(months))
    if len(rows) < limit and taken < len(months) and rows:
        # As many more months as the first ones' density says the window needs, and half as many again.
        wanted = math.ceil((limit - len(rows)) * taken / len(rows) * 1.5)
        if wanted <= MAX_MONTHS:
            rows += fetch(where.narrowed(db, flags[taken:taken + wanted]), ranking, ascending=ascending,
                           limit=limit - len(rows))
            taken = min(taken + wanted, len(months))
    if len(rows) < limit and (taken < len(months) or more):
        year, month = months[taken - 1]
        # Where the rest begins, as a count of months: before the last month read, or from the one after it.
        edge = year * 12 + month - 1 + (1 if ascending else 0)
        span = math.ceil((limit - len(rows)) * taken / len(rows) * 1.5) if rows else 0
        if 0 < span <= MAX_SPAN_MONTHS:
            # First the publish-time span the density says the rest of the window needs, and half as much again:
            # the date index and the text index intersect (a bitmap AND on PostgreSQL), so only that span's
            # matches are read, not every older one. Short of the window, the rest follows.
            far = edge + span if ascending else edge - span
            near_at, far_at = _month_start_of(edge), _month_start_of(far)
            part = where.narrowed(db, [], after=near_at, before=far_at) if ascending else \
                where.narrowed(db, [], before=near_at, after=far_at)
            rows += fetch(part, ranking, ascending=ascending, limit=limit - len(rows))
            edge = far
        if len(rows) < limit:
            rest = where.narrowed(db, [], after=_month_start_of(edge)) if ascending else \
                where.narrowed(db, [], before=_month_start_of(edge))
            rows += fetch(rest, ranking, ascending=ascending, limit=limit - len(rows))
    return rows


def _month_start_of(count: int) -> Any:
    """The start of a month given as year * 12 + month - 1."""
    year, month = divmod(count, 12)
    return _month_start(year, month + 1)


def window_size() -> int:
    return int(settings.NEWSREEL_SEARCH_WINDOW)
