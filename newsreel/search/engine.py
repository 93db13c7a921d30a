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

    @property
    def num_pages(self) -> int:
        pages = max(1, -(-self.total // self.per_page))
        return min(pages, settings.NEWSREEL_MAX_PAGE)

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


def _text_predicate(parsed: ParsedQuery, db: Dialect, where: _Where) -> None:
    plain = [c for c in parsed.clauses if not c.kind and c.year is None]
    if plain:
        where.add_sql(db.match(plain))
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
    _text_predicate(parsed, db, where)
    return where


def _score_sql(clauses: Sequence[Clause], db: Dialect) -> Sql:
    if not clauses:
        return "0", []
    parts: list[str] = []
    args: list[Any] = []
    for clause in clauses:
        needles = list(dict.fromkeys(f" {' '.join(terms)} " for _col, terms in clause.alternatives()))
        if clause.prefix:
            needles.append(f" {' '.join(clause.words)}")
        for column in ("title_key", "meta_key"):
            parts.append("(" + " OR ".join(f"{db.strpos}(d.{column}, %s) > 0" for _ in needles) + ")")
            args.extend(needles)
        parts[-2:] = [f"CASE WHEN {parts[-2]} THEN {TITLE_WEIGHT} WHEN {parts[-1]} THEN {META_WEIGHT} "
                      f"ELSE {TEXT_WEIGHT} END"]
    return " + ".join(parts), args


def _order(params: SearchParams, parsed: ParsedQuery, lang: str, db: Dialect) -> tuple[str, str, list[Any]]:
    """(in_lang and score expressions over `d`, ORDER BY over those names, args of the expressions)."""
    if params.sort == "date" or (params.sort == "relevance" and not parsed.clauses):
        return "0 AS in_lang, 0 AS score", "publish_at DESC, id DESC", []
    if params.sort == "oldest":
        return "0 AS in_lang, 0 AS score", "publish_at ASC, id ASC", []
    score, args = _score_sql(parsed.clauses, db)
    in_lang = f"CASE WHEN d.has_{lang} THEN 1 ELSE 0 END"
    return f"{in_lang} AS in_lang, {score} AS score", "in_lang DESC, score DESC, publish_at DESC, id DESC", args


def _facet_selects() -> str:
    tags, people = Item.tags.through._meta.db_table, Item.people.through._meta.db_table
    return f"""
        UNION ALL SELECT 'type', m.kind, COUNT(*), 0, 0 FROM m GROUP BY m.kind
        UNION ALL SELECT 'event', CAST(m.event_id AS TEXT), COUNT(*), 0, 0 FROM m WHERE m.event_id IS NOT NULL
            GROUP BY m.event_id
        UNION ALL SELECT 'location', m.location, COUNT(*), 0, 0 FROM m WHERE m.location <> '' GROUP BY m.location
        UNION ALL SELECT 'shotlist', '1', COUNT(*), 0, 0 FROM m WHERE m.has_shotlist
        UNION ALL SELECT 'lang', 'en', COUNT(*), 0, 0 FROM m WHERE m.has_en
        UNION ALL SELECT 'lang', 'fr', COUNT(*), 0, 0 FROM m WHERE m.has_fr
        UNION ALL SELECT 'tag', CAST(t.tag_id AS TEXT), COUNT(*), 0, 0 FROM m CROSS JOIN {tags} t
            WHERE t.item_id = m.item_id GROUP BY t.tag_id
        UNION ALL SELECT 'person', CAST(p.person_id AS TEXT), COUNT(*), 0, 0 FROM m CROSS JOIN {people} p
            WHERE p.item_id = m.item_id GROUP BY p.person_id"""  # noqa: S608 - fixed SQL; CROSS JOIN: SQLite keeps m outer


def search(params: SearchParams, *, lang: str | None = None, per_page: int | None = None,
           now: dt.datetime | None = None, facets: bool = True, typing: bool = True) -> SearchPage:
    """One page of visible results for `params`, with facet counts over the whole matching set."""
    lang = lang if lang in ("en", "fr") else current_lang()
    per_page = per_page or settings.NEWSREEL_PAGE_SIZE
    now = now or timezone.now()
    parsed = parse(params.q, typing=typing)
    db = dialect()
    unknown: list[str] = []
    where = build_where(params, parsed, db, now=now, unknown=unknown)
    page = params.page
    offset = (page - 1) * per_page if 1 <= page <= settings.NEWSREEL_MAX_PAGE else -1
    select, order, select_args = _order(params, parsed, lang, db)
    if not facets and not parsed:
        hits, total = _browse(where, order, per_page, offset)
        return SearchPage(params=params, query=parsed, hits=hits, total=total, page=page, per_page=per_page,
                          unknown_filters=unknown)
    # One statement: the full-text match runs once, its rows feed both the page and the counts.
    sql = f"""
        WITH m AS MATERIALIZED (
            SELECT d.id, d.item_id, d.article_id, d.kind, d.event_id, d.location, d.has_shotlist, d.has_en,
                   d.has_fr, d.publish_at, {select}
            FROM search_document d WHERE {where.sql()}),
        page AS (SELECT * FROM m ORDER BY {order} LIMIT %s OFFSET %s)
        SELECT 'hit', CASE WHEN page.item_id IS NULL THEN 'a' ELSE 'i' END,
               ROW_NUMBER() OVER (ORDER BY {order}), COALESCE(page.item_id, page.article_id), page.score FROM page
        UNION ALL SELECT 'total', '', COUNT(*), 0, 0 FROM m
        {_facet_selects() if facets else ""}
    """  # noqa: S608 - fixed SQL; user values are parameters
    with _fulltext_planning(), connection.cursor() as cursor:
        cursor.execute(sql, [*select_args, *where.args, per_page if offset >= 0 else 0, max(offset, 0)])
        rows = cursor.fetchall()
    found: dict[str, list[Any]] = {}
    for name, value, count, target, score in rows:
        if name == "hit":
            found.setdefault(name, []).append((int(count), value, int(target), int(score or 0)))
        elif count:
            found.setdefault(name, []).append(FacetValue(str(value), str(value), int(count)))
    total = found.pop("total")[0].count if found.get("total") else 0
    hits = _load_hits([(value, target, score) for _rank, value, target, score in sorted(found.pop("hit", []))])
    return SearchPage(params=params, query=parsed, hits=hits, total=total, page=page, per_page=per_page,
                      facets=_label_facets(found, params) if facets else {}, unknown_filters=unknown)


@contextmanager
def _fulltext_planning() -> Iterator[None]:
    """On PostgreSQL, keep the planner on the GIN index for the text match (this transaction only).

    It prices `tsv @@ query` as cheap and so picks a sequential scan of search_text once a query matches more
    than a few percent of it, yet a GIN bitmap scan is 3 to 10 times faster at every selectivity we measured
    (24k documents: "Varsovie" 174 -> 11 ms, "negot" 161 -> 61 ms, "secretary general" 207 -> 34 ms).
    SQLite needs nothing (FTS5 is always the driver) and no transaction: IMMEDIATE would take the write lock.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
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


def _label_facets(found: dict[str, list[FacetValue]], params: SearchParams) -> dict[str, list[FacetValue]]:
    from newsreel.search.labels import label_facets

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
