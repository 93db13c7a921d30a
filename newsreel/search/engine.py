"""The one search API: `search(params)` for pages and the API, `matching_ids_sql` for the admin.

Ranking (identical on both backends because it is plain SQL over our own normalised strings, not the engines'
own rank functions):
  1. documents with a title in the reader's language first;
  2. score = sum over the query's clauses of 8 (clause found in a title), 4 (in tags, people, event, place)
     or 1 (elsewhere: summary, body, shotlist);
  3. newer first (publish time), then the higher id: a total order, so pages never overlap.
"Date" sorting uses publish time then id. Pagination uses bounded offsets (NEWSREEL_MAX_PAGE pages); the
matching set is computed by the full-text index, so an offset only skips already sorted rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from newsreel.catalogue.models import Event, Item, Person, Tag
from newsreel.news.models import Article
from newsreel.publishing import Status, current_lang
from newsreel.search.backends import Dialect, Sql, dialect
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


class _Where:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list[Any] = []

    def add(self, sql: str, *args: Any) -> None:
        self.parts.append(sql)
        self.args.extend(args)

    def add_sql(self, fragment: Sql) -> None:
        self.add(fragment[0], *fragment[1])

    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "1=1"


def _day_start(day: dt.date) -> Any:
    return _instant(timezone.make_aware(dt.datetime.combine(day, dt.time.min)))


def _instant(value: dt.datetime) -> Any:
    """A datetime parameter in the column's stored form: SQLite compares text, so '+00:00' must not differ."""
    return connection.ops.adapt_datetimefield_value(value)


def _text_predicate(parsed: ParsedQuery, db: Dialect, where: _Where, *, walk: bool = False) -> None:
    plain = [c for c in parsed.clauses if not c.kind and c.year is None]
    if plain:
        where.add_sql(db.match(plain, drive=not walk))
    for clause in parsed.clauses:
        sql, args = db.match([clause])
        if clause.kind:
            where.add(f"({sql} OR d.kind = %s)", *args, clause.kind)
        elif clause.year is not None:
            start, end = _day_start(dt.date(clause.year, 1, 1)), _day_start(dt.date(clause.year + 1, 1, 1))
            where.add(f"({sql} OR (d.publish_at >= %s AND d.publish_at < %s) OR (d.shot_on >= %s AND d.shot_on < %s))",
                      *args, start, end, dt.date(clause.year, 1, 1), dt.date(clause.year + 1, 1, 1))
    if parsed.exclusions:
        sql, args = db.match_any(parsed.exclusions)
        where.add(f"NOT ({sql})", *args)


def _ids(model: type[Any], field_name: str, values: Sequence[str]) -> list[int]:
    return list(model.objects.filter(**{f"{field_name}__in": values}).values_list("pk", flat=True))


def build_where(params: SearchParams, parsed: ParsedQuery, db: Dialect, *, now: dt.datetime,
                public: bool = True, unknown: list[str] | None = None, walk: bool = False) -> _Where:
    """The WHERE over `search_document d`. `walk`: the text match is too broad to drive the query, so the date
    (or filter) indexes should walk the rows and test each against it (see Dialect.prefers_walk)."""
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
    if params.event:
        event_ids = _ids(Event, "slug", [params.event])
        where.add("d.event_id = %s", event_ids[0] if event_ids else -1)
        if not event_ids and unknown is not None:
            unknown.append("event")
    for name, model, through, column in (
        ("tag", Tag, Item.tags.through, "tag_id"), ("person", Person, Item.people.through, "person_id"),
    ):
        for slug in getattr(params, name):
            found = _ids(model, "slug", [slug])
            where.add(f"d.item_id IN (SELECT item_id FROM {through._meta.db_table} WHERE {column} = %s)",  # noqa: S608 - fixed SQL; user values are parameters
                      found[0] if found else -1)
            if not found and unknown is not None:
                unknown.append(name)
    if params.location:
        where.add("d.location = %s", params.location)
    if params.shotlist:
        where.add("d.has_shotlist = %s", True)
    if params.lang:
        where.add(f"d.has_{params.lang} = %s", True)
    _text_predicate(parsed, db, where, walk=walk)
    return where


def _needles(clause: Clause) -> list[str]:
    """The ' term term ' strings whose presence in a title_key/meta_key puts the clause in that field."""
    needles = list(dict.fromkeys(f" {' '.join(terms)} " for _col, terms in clause.alternatives()))
    if clause.prefix:
        needles.append(f" {' '.join(clause.words)}")
    return needles


def score(row: _Row, needles: Sequence[Sequence[str]]) -> int:
    """Sum over clauses of 8 (found in the title), 4 (tags, people, event, place) or 1 (elsewhere)."""
    total = 0
    for clause_needles in needles:
        if any(needle in row.title_key for needle in clause_needles):
            total += TITLE_WEIGHT
        elif any(needle in row.meta_key for needle in clause_needles):
            total += META_WEIGHT
        else:
            total += TEXT_WEIGHT
    return total


@dataclass(frozen=True)
class _Row:
    """One matching document of the window: what ranking and facets need, nothing from the content tables."""

    id: int
    item_id: int | None
    article_id: int | None
    kind: str
    event_id: int | None
    location: str
    has_shotlist: bool
    has_en: bool
    has_fr: bool
    title_key: str
    meta_key: str

    @property
    def target(self) -> tuple[str, int]:
        return ("i", self.item_id) if self.item_id is not None else ("a", int(self.article_id or 0))


_ROW_COLUMNS = ("d.id, d.item_id, d.article_id, d.kind, d.event_id, d.location, d.has_shotlist, d.has_en, d.has_fr, "
                "d.title_key, d.meta_key")


def _fetch(where: _Where, *, ascending: bool, limit: int, offset: int = 0) -> list[_Row]:
    """Matching rows in date order (publish time, then id: a total order). The date indexes walk the rows and
    stop after `limit`, so the cost follows the window, not the number of matches."""
    order = "d.publish_at ASC, d.id ASC" if ascending else "d.publish_at DESC, d.id DESC"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_ROW_COLUMNS} FROM search_document d WHERE {where.sql()} "  # noqa: S608 - fixed SQL; user values are parameters
                       f"ORDER BY {order} LIMIT %s OFFSET %s", [*where.args, limit, offset])
        return [_Row(int(r[0]), r[1], r[2], r[3], r[4], r[5] or "", bool(r[6]), bool(r[7]), bool(r[8]),
                     r[9] or "", r[10] or "") for r in cursor.fetchall()]


def window_size() -> int:
    return int(getattr(settings, "NEWSREEL_SEARCH_WINDOW", 2000))


def search(params: SearchParams, *, lang: str | None = None, per_page: int | None = None,
           now: dt.datetime | None = None, facets: bool = True, typing: bool = True) -> SearchPage:
    """One page of visible results for `params`, with facet counts over the matching set.

    The matching rows are read newest first (oldest first for "oldest") up to a window of NEWSREEL_SEARCH_WINDOW
    rows. When every match fits, ranking, total and facet counts are exact. When more match, the window (the most
    recent matches) is ranked by relevance and followed by the other matches in date order; the total and facet
    counts are then lower bounds, and the page says so ("2000+"). Either way no statement touches more than
    the window, which is what keeps a search of a common word as fast as a rare one.
    """
    lang = lang if lang in ("en", "fr") else current_lang()
    per_page = per_page or settings.NEWSREEL_PAGE_SIZE
    now = now or timezone.now()
    parsed = parse(params.q, typing=typing)
    db = dialect()
    unknown: list[str] = []
    page = params.page
    offset = (page - 1) * per_page if 1 <= page <= settings.NEWSREEL_MAX_PAGE else -1
    if not facets and not parsed:
        where = build_where(params, parsed, db, now=now, unknown=unknown)
        order = "publish_at ASC, id ASC" if params.sort == "oldest" else "publish_at DESC, id DESC"
        hits, total = _browse(where, order, per_page, offset)
        return SearchPage(params=params, query=parsed, hits=hits, total=total, page=page, per_page=per_page,
                          unknown_filters=unknown)
    window = window_size()
    ascending = params.sort == "oldest"
    with _fulltext_planning():
        walk = db.prefers_walk(parsed.clauses, window) if parsed.clauses else False
        where = build_where(params, parsed, db, now=now, unknown=unknown, walk=walk)
        rows = _fetch(where, ascending=ascending, limit=window + 1)
        complete = len(rows) <= window
        rows = rows[:window]
        if params.sort == "relevance" and parsed.clauses:
            needles = [_needles(clause) for clause in parsed.clauses]
            in_lang = f"has_{lang}"
            # Stable: equal keys keep the date order the rows came in, as the last ORDER BY keys did.
            rows = sorted(rows, key=lambda r: (not getattr(r, in_lang), -score(r, needles)))
            scores = {row.id: score(row, needles) for row in rows}
        else:
            scores = {}
        total, lower_bound = len(rows), not complete
        shown: list[_Row] = []
        if offset >= 0:
            shown = rows[offset:offset + per_page]
            if lower_bound and len(shown) < per_page:
                # Past the window: the remaining matches in date order, one more row to know if a page follows.
                start = max(offset, window)
                need = per_page - len(shown)
                tail = _fetch(where, ascending=ascending, limit=need + 1, offset=start)
                shown += tail[:need]
                total = max(total, start + len(tail))
                lower_bound = len(tail) > need
        counts = _facet_counts(rows) if facets else {}
    hits = _load_hits([(*row.target, scores.get(row.id, 0)) for row in shown])
    return SearchPage(params=params, query=parsed, hits=hits, total=total, page=page, per_page=per_page,
                      facets=_label_facets(counts, params, approximate=not complete) if facets else {},
                      unknown_filters=unknown, total_is_lower_bound=lower_bound, facets_approximate=not complete)


def _facet_counts(rows: Sequence[_Row]) -> dict[str, list[FacetValue]]:
    """Counts over the window rows: the document's own columns, and one grouped query for tags and people."""
    found: dict[str, Counter[str]] = {name: Counter() for name in
                                      ("type", "event", "location", "shotlist", "lang", "tag", "person")}
    for row in rows:
        found["type"][row.kind] += 1
        if row.event_id is not None:
            found["event"][str(row.event_id)] += 1
        if row.location:
            found["location"][row.location] += 1
        if row.has_shotlist:
            found["shotlist"]["1"] += 1
        for lang in ("en", "fr"):
            if getattr(row, f"has_{lang}"):
                found["lang"][lang] += 1
    item_ids = [row.item_id for row in rows if row.item_id is not None]
    if item_ids:
        tags, people = Item.tags.through._meta.db_table, Item.people.through._meta.db_table
        marks = ", ".join(["%s"] * len(item_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 'tag', tag_id, COUNT(*) FROM {tags} WHERE item_id IN ({marks}) GROUP BY tag_id "  # noqa: S608 - fixed SQL; values are parameters
                f"UNION ALL SELECT 'person', person_id, COUNT(*) FROM {people} WHERE item_id IN ({marks}) "
                f"GROUP BY person_id", [*item_ids, *item_ids])
            for name, value, count in cursor.fetchall():
                found[name][str(value)] += int(count)
    return {name: [FacetValue(value, value, count) for value, count in counter.items()]
            for name, counter in found.items() if counter}


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
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL jit = off")
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
    from newsreel.search.labels import label_facets

    for values in found.values():
        for value in values:
            value.approximate = approximate
    return label_facets(found, params, limit=FACET_LIMIT)


def _load_hits(rows: list[tuple[Any, ...]]) -> list[Hit]:
    """Rows of (kind 'i' or 'a', item or article id, score) -> hits with their objects, in the same order."""
    item_ids = [target for kind, target, _score in rows if kind == "i"]
    article_ids = [target for kind, target, _score in rows if kind == "a"]
    items = Item.objects.select_related("event").prefetch_related("renditions", "shots").in_bulk(item_ids)
    articles = Article.objects.select_related("event").in_bulk(article_ids)
    hits = []
    for kind, target, score in rows:
        obj = items.get(target) if kind == "i" else articles.get(target)
        if obj is not None:
            hits.append(Hit(kind=getattr(obj, "kind", "article"), obj=obj, score=int(score or 0)))
    return hits


def matching_ids_sql(query: str, *, kind: str) -> Sql | None:
    """SQL returning the ids of items (kind='item') or articles matching `query`, whatever their status."""
    parsed = parse(query, typing=False)
    if not parsed:
        return None
    db = dialect()
    where = build_where(SearchParams(), parsed, db, now=timezone.now(), public=False)
    column = "item_id" if kind == "item" else "article_id"
    return f"SELECT d.{column} FROM search_document d WHERE d.{column} IS NOT NULL AND {where.sql()}", where.args  # noqa: S608 - fixed SQL; user values are parameters
