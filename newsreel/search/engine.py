"""The one search API: `search(params)` for pages and the API, `matching_ids_sql` for the admin.

Ranking (identical on both backends because it is plain SQL over our own normalised strings, not the engines'
own rank functions):
  1. documents with a title in the reader's language first;
  2. score = sum over the query's clauses of 8 (clause found in a title), 4 (in tags, people, event, place)
     or 1 (elsewhere: summary, body, shotlist);
  3. newer first (publish time), then the higher id: a total order, so pages never overlap.
"Date" sorting uses publish time then id.

The cost follows a window, not the number of matches: the matches are read in date order, a few months at a
time through the index's month flags, up to NEWSREEL_SEARCH_WINDOW rows, which are ranked and counted for facets.
More matches than that: the window comes first, ranked, then the older matches by date, and the total and
the facet counts are lower bounds (SearchPage.total_is_lower_bound, FacetValue.approximate), shown as such.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from newsreel.catalogue.models import Event, Item, Person, Rendition, ShotlistLine, Tag
from newsreel.news.models import Article
from newsreel.publishing import Status, current_lang
from newsreel.search.backends import (
    Dialect,
    Sql,
    dialect,
    event_flag,
    has_flag,
    kind_flag,
    location_flag,
    month_flag,
    person_flag,
    shot_flag,
    tag_flag,
)
from newsreel.search.labels import facet_order, label_facets
from newsreel.search.params import SearchParams
from newsreel.search.query import Clause, ParsedQuery, parse

TITLE_WEIGHT, META_WEIGHT, TEXT_WEIGHT = 8, 4, 1
FACET_LIMIT = 12
_VISIBLE = (Status.PUBLISHED.value, Status.SCHEDULED.value)


@dataclass
class Hit:
    kind: str
    obj: Any  # Item or Article
    score: int
    snippet: str = ""
    shot: Any = None  # the matching ShotlistLine, if any
    shot_url: str = ""
    shot_snippet: str = ""
    title_html: str = ""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""
    approximate: bool = False  # counted over the most recent matches only: at least this many

    @property
    def count_label(self) -> str:
        return f"{self.count}+" if self.approximate else str(self.count)


@dataclass
class SearchPage:
    params: SearchParams
    query: ParsedQuery
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    unknown_filters: list[str] = field(default_factory=list)
    # More matched than were counted: `total` and the facet counts are "at least" figures, shown with a "+".
    total_is_lower_bound: bool = False
    facets_approximate: bool = False

    @property
    def num_pages(self) -> int:
        pages = max(1, -(-self.total // self.per_page))
        if self.total_is_lower_bound and self.page >= pages:
            pages = self.page + 1  # a further page exists: we read one row past this one
        return min(pages, settings.NEWSREEL_MAX_PAGE)

    @property
    def total_label(self) -> str:
        return f"{self.total}+" if self.total_is_lower_bound else str(self.total)

    @property
    def num_pages_label(self) -> str:
        return f"{self.num_pages}+" if self.total_is_lower_bound else str(self.num_pages)

    # The Django Page interface, so list templates and the pagination include work unchanged.
    @property
    def object_list(self) -> list[Any]:
        return [hit.obj for hit in self.hits]

    @property
    def number(self) -> int:
        return self.page

    @property
    def paginator(self) -> SearchPage:
        return self

    def has_next(self) -> bool:
        return self.page < self.num_pages

    def has_previous(self) -> bool:
        return self.page > 1

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def next_page_number(self) -> int:
        return self.page + 1

    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.hits)

    @property
    def out_of_range(self) -> bool:
        return self.page < 1 or (self.page > self.num_pages and self.page > 1)


@dataclass(frozen=True)
class _Match:
    """The words' match in a _Where: which part it is, so a copy can narrow it to some months."""

    index: int
    clauses: list[Clause]
    flags: list[list[str]]  # the filters as flag groups (one flag of each), answered by the text index
    exclusions: list[Clause]
    narrow: bool  # an event, tag, person or place filter: a few hundred documents at most, no years needed


class _Where:
    def __init__(self) -> None:
        self.parts: list[Sql] = []
        self.plain: _Match | None = None

    def add(self, sql: str, *args: Any) -> None:
        self.parts.append((sql, list(args)))

    def add_sql(self, fragment: Sql) -> None:
        self.add(fragment[0], *fragment[1])

    def sql(self) -> str:
        return " AND ".join(sql for sql, _args in self.parts) if self.parts else "1=1"

    @property
    def args(self) -> list[Any]:
        return [arg for _sql, args in self.parts for arg in args]

    def narrowed(self, db: Dialect, months: Sequence[str], *, before: Any = None, after: Any = None) -> _Where:
        """A copy whose words' match is limited to documents published in `months` (month flags: the index
        knows each one's month), or, without months, to publish times before/from the given instants."""
        copy = _Where()
        copy.parts, copy.plain = list(self.parts), self.plain
        if self.plain is not None and months:
            copy.parts[self.plain.index] = db.match(self.plain.clauses, flags=[*self.plain.flags, months],
                                                    exclusions=self.plain.exclusions)
        if before is not None:
            copy.add("d.publish_at < %s", before)
        if after is not None:
            copy.add("d.publish_at >= %s", after)
        return copy


def _day_start(day: dt.date) -> Any:
    return _instant(timezone.make_aware(dt.datetime.combine(day, dt.time.min)))


def _instant(value: dt.datetime) -> Any:
    """A datetime parameter in the column's stored form: SQLite compares text, so '+00:00' must not differ."""
    return connection.ops.adapt_datetimefield_value(value)


def _text_predicate(parsed: ParsedQuery, db: Dialect, where: _Where, flags: list[list[str]], *,
                    narrow: bool) -> None:
    if parsed.clauses:
        where.plain = _Match(len(where.parts), list(parsed.clauses), flags, list(parsed.exclusions), narrow)
        where.add_sql(db.match(parsed.clauses, flags=flags, exclusions=parsed.exclusions))
    elif parsed.exclusions:  # only exclusions: everything else, which the date index walks
        sql, args = db.match_any(parsed.exclusions)
        where.add(f"NOT ({sql})", *args)


def _ids(model: type[Any], field_name: str, values: Sequence[str]) -> list[int]:
    """Primary keys of the rows whose `field_name` is in `values` (a plain statement: no ORM compilation)."""
    quote, meta = connection.ops.quote_name, model._meta
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} "  # noqa: S608 - names from the model; values are parameters
                       f"WHERE {quote(meta.get_field(field_name).column)} IN ({marks})", list(values))
        return [row[0] for row in cursor.fetchall()]


def build_where(params: SearchParams, parsed: ParsedQuery, db: Dialect, *, now: dt.datetime,
                public: bool = True, unknown: list[str] | None = None) -> _Where:
    where = _Where()
    if public:
        where.add("d.status IN (%s, %s) AND d.publish_at <= %s", *_VISIBLE, _instant(now))
    if params.type:
        where.add(f"d.kind IN ({', '.join(['%s'] * len(params.type))})", *params.type)
    if params.article_type:
        where.add("d.subtype = %s", params.article_type)
    if params.published_from:
        where.add("d.publish_at >= %s", _day_start(params.published_from))
    if params.published_to:
        where.add("d.publish_at < %s", _day_start(params.published_to + dt.timedelta(days=1)))
    if params.shot_from:
        where.add("d.shot_on >= %s", params.shot_from)
    if params.shot_to:
        where.add("d.shot_on <= %s", params.shot_to)
    # With words, the filters also go to the text index as flags (backends.document_flags): it intersects them
    # with the words' lists, where the tables would look every match up. Without words, the tables do it.
    flags: list[list[str]] = []
    with_words = bool(parsed.clauses)
    if params.type:
        flags.append([kind_flag(kind) for kind in params.type])
    if params.shot_from and params.shot_to and 0 <= params.shot_to.year - params.shot_from.year < 20:
        flags.append([shot_flag(year) for year in range(params.shot_from.year, params.shot_to.year + 1)])
    if params.event:
        event_ids = _ids(Event, "slug", [params.event])
        if event_ids and with_words:
            flags.append([event_flag(event_ids[0])])
        else:
            where.add("d.event_id = %s", event_ids[0] if event_ids else -1)
        if not event_ids and unknown is not None:
            unknown.append("event")
    for name, model, through, column, flag in (
        ("tag", Tag, Item.tags.through, "tag_id", tag_flag),
        ("person", Person, Item.people.through, "person_id", person_flag),
    ):
        for slug in getattr(params, name):
            found = _ids(model, "slug", [slug])
            if found and with_words:
                flags.append([flag(found[0])])
            else:
                where.add(f"d.item_id IN (SELECT item_id FROM {through._meta.db_table} WHERE {column} = %s)",  # noqa: S608 - fixed SQL; user values are parameters
                          found[0] if found else -1)
            if not found and unknown is not None:
                unknown.append(name)
    if params.location:
        where.add("d.location = %s", params.location)
        flags.append([location_flag(params.location)])
    if params.shotlist:
        where.add("d.has_shotlist = %s", True)
        flags.append([has_flag("sl")])
    if params.lang:
        where.add(f"d.has_{params.lang} = %s", True)
        flags.append([has_flag(params.lang)])
    narrow = bool(params.event or params.tag or params.person or params.location)
    _text_predicate(parsed, db, where, flags if with_words else [], narrow=narrow)
    return where


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


class _Row(NamedTuple):
    """One matching document of the window: what ranking and facets need, nothing from the content tables.
    (A named tuple: a thousand of them are made per search, and they cost a third of a frozen dataclass.)"""

    id: int
    item_id: int | None
    article_id: int | None
    kind: str
    event_id: int | None
    location: str
    has_shotlist: bool
    has_en: bool
    has_fr: bool
    tag_ids: str
    person_ids: str
    in_lang: int
    score: int

    @property
    def target(self) -> tuple[str, int]:
        return ("i", self.item_id) if self.item_id is not None else ("a", int(self.article_id or 0))


_ROW_COLUMNS = ("d.id, d.item_id, d.article_id, d.kind, d.event_id, d.location, d.has_shotlist, d.has_en, d.has_fr, "
                "d.tag_ids, d.person_ids")


@dataclass(frozen=True)
class _Ranking:
    """How rows are scored: in_lang and score expressions over `d` (constants when sorting by date)."""

    in_lang: str = "0"
    score: str = "0"
    args: tuple[Any, ...] = ()


def _ranking(params: SearchParams, parsed: ParsedQuery, lang: str, db: Dialect) -> _Ranking:
    if params.sort != "relevance" or not parsed.clauses:
        return _Ranking()
    score, args = _score_sql(parsed.clauses, db)
    return _Ranking(f"CASE WHEN d.has_{lang} THEN 1 ELSE 0 END", score, tuple(args))


def _fetch(where: _Where, ranking: _Ranking, *, ascending: bool, limit: int, offset: int = 0) -> list[_Row]:
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
        return list(map(_Row._make, cursor.fetchall()))


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
    return _day_start(dt.date(year, month, 1))


def _window(where: _Where, ranking: _Ranking, db: Dialect, params: SearchParams, *, now: dt.datetime,
            ascending: bool, limit: int) -> list[_Row]:
    """The first `limit` matching rows in date order, reading as few matches as the order allows.

    With words, in at most four steps: the first months by flag; then, if the first step says how many more
    months hold the rest of the window (and they are few), those months; then the publish-time span the
    density asks for (when it is under MAX_SPAN_MONTHS); then everything further, bounded by publish time.
    A common word reads about a window's worth of matches; a rare one, all its few matches.
    """
    if where.plain is None or where.plain.narrow:
        # No words: the date indexes walk the rows and stop at the limit by themselves. An event, tag, person or
        # place flag already bounds the matches to that event's (tag's...) documents: one step is enough.
        return _fetch(where, ranking, ascending=ascending, limit=limit)
    months, more = _months(params, now, ascending=ascending)
    if not months:
        return []
    flags = [month_flag(year, month) for year, month in months]
    rows = _fetch(where.narrowed(db, flags[:FIRST_MONTHS]), ranking, ascending=ascending, limit=limit)
    taken = min(FIRST_MONTHS, len(months))
    if len(rows) < limit and taken < len(months) and rows:
        # As many more months as the first ones' density says the window needs, and half as many again.
        wanted = math.ceil((limit - len(rows)) * taken / len(rows) * 1.5)
        if wanted <= MAX_MONTHS:
            rows += _fetch(where.narrowed(db, flags[taken:taken + wanted]), ranking, ascending=ascending,
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
            rows += _fetch(part, ranking, ascending=ascending, limit=limit - len(rows))
            edge = far
        if len(rows) < limit:
            rest = where.narrowed(db, [], after=_month_start_of(edge)) if ascending else \
                where.narrowed(db, [], before=_month_start_of(edge))
            rows += _fetch(rest, ranking, ascending=ascending, limit=limit - len(rows))
    return rows


def _month_start_of(count: int) -> Any:
    """The start of a month given as year * 12 + month - 1."""
    year, month = divmod(count, 12)
    return _month_start(year, month + 1)


def window_size() -> int:
    return int(settings.NEWSREEL_SEARCH_WINDOW)


def search(params: SearchParams, *, lang: str | None = None, per_page: int | None = None,
           now: dt.datetime | None = None, facets: bool = True, typing: bool = True) -> SearchPage:
    """One page of visible results for `params`, with facet counts over the matching set.

    The matching rows are read newest first (oldest first for "oldest") up to a window of NEWSREEL_SEARCH_WINDOW
    rows. When every match fits, ranking, total and facet counts are exact. When more match, the window (the most
    recent matches) is ranked by relevance and followed by the other matches in date order; the total and facet
    counts are then lower bounds, and the page says so ("1000+"). Either way the work follows the window, not
    the number of matches, which is what keeps a search for a common word as fast as one for a rare word.
    """
    lang = lang if lang in ("en", "fr") else current_lang()
    per_page = per_page or settings.NEWSREEL_PAGE_SIZE
    now = now or timezone.now()
    parsed = parse(params.q, typing=typing)
    db = dialect()
    unknown: list[str] = []
    where = build_where(params, parsed, db, now=now, unknown=unknown)
    page = params.page
    offset = (page - 1) * per_page if 1 <= page <= settings.NEWSREEL_MAX_PAGE else -1
    if not facets and not parsed:
        order = "publish_at ASC, id ASC" if params.sort == "oldest" else "publish_at DESC, id DESC"
        hits, total = _browse(where, order, per_page, offset)
        return SearchPage(params=params, query=parsed, hits=hits, total=total, page=page, per_page=per_page,
                          unknown_filters=unknown)
    window = window_size()
    ascending = params.sort == "oldest"
    ranking = _ranking(params, parsed, lang, db)
    with _fulltext_planning():
        rows = _window(where, ranking, db, params, now=now, ascending=ascending, limit=window + 1)
        complete = len(rows) <= window
        rows = rows[:window]
        # Stable: equal keys keep the date order the rows came in, the last keys of the ranking.
        rows.sort(key=lambda r: (-r.in_lang, -r.score))
        total, lower_bound = len(rows), not complete
        shown: list[_Row] = []
        if offset >= 0:
            shown = rows[offset:offset + per_page]
            if lower_bound and len(shown) < per_page:
                # Past the window: the other matches in date order, and one more row to know if a page follows.
                start = max(offset, window)
                need = per_page - len(shown)
                tail = _fetch(where, _Ranking(), ascending=ascending, limit=need + 1, offset=start)
                shown += tail[:need]
                total = max(total, start + len(tail))
                lower_bound = len(tail) > need
    hits = _load_hits([(*row.target, row.score) for row in shown])
    return SearchPage(params=params, query=parsed, hits=hits, total=total, page=page, per_page=per_page,
                      facets=_label_facets(_facet_counts(rows), params, approximate=not complete) if facets else {},
                      unknown_filters=unknown, total_is_lower_bound=lower_bound, facets_approximate=not complete)


def _facet_counts(rows: Sequence[_Row]) -> dict[str, list[FacetValue]]:
    """Counts over the window rows, from the index row's own columns: no join, no further query."""
    if not rows:
        return {}
    # The window's columns as tuples (one pass in C), each counted in C too.
    _ids, _items, _articles, kinds, events, locations, shotlists, ens, frs, tags, people, *_rank = zip(*rows,
                                                                                                    strict=True)
    events_found, locations_found = Counter(events), Counter(locations)
    events_found.pop(None, None)
    locations_found.pop("", None)
    found: dict[str, Counter[str]] = {
        "type": Counter(kinds),
        "event": Counter({str(pk): count for pk, count in events_found.items()}),
        "location": locations_found,
        "shotlist": Counter({"1": sum(map(bool, shotlists))}),
        "lang": Counter({"en": sum(map(bool, ens)), "fr": sum(map(bool, frs))}),
        # The index row keeps its item's tag and people ids.
        "tag": Counter(" ".join(tags).split()),
        "person": Counter(" ".join(people).split()),
    }
    # Only the values a page can show (an event facet has hundreds), in the order label_facets keeps.
    return {name: [FacetValue(value, value, count) for value, count in heapq.nsmallest(FACET_LIMIT, (
        (value, count) for value, count in counter.items() if count), key=facet_order)]
        for name, counter in found.items() if +counter}


@contextmanager
def _fulltext_planning() -> Iterator[None]:
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


def _browse(where: _Where, order: str, per_page: int, offset: int) -> tuple[list[Hit], int]:
    """Newest first without words: the publish-time index walks the rows, no full-text work."""
    order_d = ", ".join(f"d.{part}" for part in order.split(", "))
    with connection.cursor() as cursor:
        rows: list[tuple[Any, ...]] = []
        if offset >= 0:
            cursor.execute(
                f"SELECT CASE WHEN d.item_id IS NULL THEN 'a' ELSE 'i' END, COALESCE(d.item_id, d.article_id), 0 "  # noqa: S608 - fixed SQL; user values are parameters
                f"FROM search_document d WHERE {where.sql()} ORDER BY {order_d} LIMIT %s OFFSET %s",
                [*where.args, per_page, offset])
            rows = cursor.fetchall()
        cursor.execute(f"SELECT COUNT(*) FROM search_document d WHERE {where.sql()}", where.args)  # noqa: S608 - fixed SQL; user values are parameters
        return _load_hits(rows), int(cursor.fetchone()[0])


def _label_facets(found: dict[str, list[FacetValue]], params: SearchParams, *,
                  approximate: bool) -> dict[str, list[FacetValue]]:
    for values in found.values():
        for value in values:
            value.approximate = approximate
    return label_facets(found, params)


def _load_hits(rows: list[tuple[Any, ...]]) -> list[Hit]:
    """Rows of (kind 'i' or 'a', item or article id, score) -> hits with their objects, in the same order.

    The objects are what the ORM would load with select_related("event") and prefetch_related("renditions",
    "shots") (the card's thumbnail, the snippets' shot match), read by plain statements: building the ORM's SQL
    for those five queries cost more than running them."""
    item_ids = [target for kind, target, _score in rows if kind == "i"]
    article_ids = [target for kind, target, _score in rows if kind == "a"]
    items = {obj.pk: obj for obj in _instances(Item, "id", item_ids)}
    articles = {obj.pk: obj for obj in _instances(Article, "id", article_ids)}
    loaded = [*items.values(), *articles.values()]
    events = {obj.pk: obj for obj in _instances(Event, "id", list({o.event_id for o in loaded if o.event_id}))}
    for obj in loaded:
        if obj.event_id is not None:
            obj._state.fields_cache["event"] = events.get(obj.event_id)
    for name, model, order in (("renditions", Rendition, ("item_id", "role", "id")),
                               ("shots", ShotlistLine, ("item_id", "position", "id"))):
        _attach(items, name, model, _instances(model, "item_id", list(items), order=order))
    hits = []
    for kind, target, score in rows:
        obj = items.get(target) if kind == "i" else articles.get(target)
        if obj is not None:
            hits.append(Hit(kind=getattr(obj, "kind", "article"), obj=obj, score=int(score or 0)))
    return hits


@cache
def _select(model: type[Model], vendor: str) -> tuple[str, list[str], list[tuple[int, list[Any], Any]]]:
    """SELECT of all of a model's columns, and the converters (by position) the ORM would apply to them."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    converters = []
    for position, model_field in enumerate(model._meta.concrete_fields):
        col = model_field.get_col(table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((position, found, col))
    fields = model._meta.concrete_fields
    columns = ", ".join(f"{quote(table)}.{quote(str(f.column))}" for f in fields)
    return f"SELECT {columns} FROM {quote(table)}", [f.attname for f in fields], converters  # noqa: S608 - names from the models


def _instances(model: type[Model], column: str, values: list[int], *,
               order: tuple[str, ...] = ()) -> list[Any]:
    """The `model` rows whose `column` is in `values`, as the ORM would build them (all fields loaded)."""
    if not values:
        return []
    select, names, converters = _select(model, connection.vendor)
    quote = connection.ops.quote_name
    sql = f"{select} WHERE {quote(column)} IN ({', '.join(['%s'] * len(values))})"
    if order:
        sql += " ORDER BY " + ", ".join(quote(name) for name in order)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        if converters:
            row = list(row)
            for position, functions, col in converters:
                for function in functions:
                    row[position] = function(row[position], col, connection)
        out.append(model.from_db(connection.alias, names, row))
    return out


class _Loaded(QuerySet[Any]):
    """One item's related rows, already read, as prefetch_related leaves them: iterating, counting or indexing
    reads no database; a query made from it (filter, order_by...) is a real one, limited to the item."""

    item_id: int = 0

    def _clone(self) -> Any:
        return self.model._default_manager.filter(item_id=self.item_id)._clone()


def _attach(items: dict[int, Item], name: str, model: type[Model], related: list[Any]) -> None:
    """Give each item its `name` objects as prefetch_related would: item.<name>.all() reads no database."""
    found: dict[int, list[Any]] = {pk: [] for pk in items}
    for obj in related:
        found[obj.item_id].append(obj)
        obj._state.fields_cache["item"] = items[obj.item_id]
    for pk, item in items.items():
        cached = _Loaded(model)
        cached._result_cache, cached.item_id = found[pk], pk
        item.__dict__.setdefault("_prefetched_objects_cache", {})[name] = cached


def matching_ids_sql(query: str, *, kind: str) -> Sql | None:
    """SQL returning the ids of items (kind='item') or articles matching `query`, whatever their status."""
    parsed = parse(query, typing=False)
    if not parsed:
        return None
    db = dialect()
    where = build_where(SearchParams(), parsed, db, now=timezone.now(), public=False)
    column = "item_id" if kind == "item" else "article_id"
    return f"SELECT d.{column} FROM search_document d WHERE d.{column} IS NOT NULL AND {where.sql()}", where.args  # noqa: S608 - fixed SQL; user values are parameters
