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
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsreel.publishing import current_lang
from newsreel.search.backends import Sql, dialect
from newsreel.search.filters import Where, build_where, instant
from newsreel.search.labels import facet_order, label_facets
from newsreel.search.loading import load_hits
from newsreel.search.pages import FacetValue, Hit, SearchPage
from newsreel.search.params import SearchParams
from newsreel.search.planner import fulltext_planning
from newsreel.search.query import parse
from newsreel.search.window import Ranking, Row, fetch, ranking_for, read_window, window_size

__all__ = ["FacetValue", "Hit", "SearchPage", "build_where", "matching_ids_sql", "search", "window_size"]

FACET_LIMIT = 12


def search(params: SearchParams, *, lang: str | None = None, per_page: int | None = None,
           now: dt.datetime | None = None, facets: bool = True, typing: bool = True,
           after: tuple[dt.datetime, int] | None = None) -> SearchPage:
    """One page of visible results for `params`, with facet counts over the matching set.

    The matching rows are read newest first (oldest first for "oldest") up to a window of NEWSREEL_SEARCH_WINDOW
    rows. When every match fits, ranking, total and facet counts are exact. When more match, the window (the most
    recent matches) is ranked by relevance and followed by the other matches in date order; the total and facet
    counts are then lower bounds, and the page says so ("1000+"). Either way the work follows the window, not
    the number of matches, which is what keeps a search for a common word as fast as one for a rare word.

    `after` (publish time, document id) asks for the page that follows that document in date order (a keyset,
    for the API's cursors: rows published meanwhile cannot shift it); `params.page` is then ignored. Only for
    date-ordered results: sorted by date, or without words to rank.
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
    if after is not None:
        if params.sort == "relevance" and parsed.clauses:
            raise ValueError("a keyset needs date order")
        way, at = (">" if params.sort == "oldest" else "<"), instant(after[0])
        where.add(f"(d.publish_at {way} %s OR (d.publish_at = %s AND d.id {way} %s))", at, at, after[1])
        page, offset = 1, 0
    if not facets and not parsed:
        order = "publish_at ASC, id ASC" if params.sort == "oldest" else "publish_at DESC, id DESC"
        hits, total = _browse(where, order, per_page, offset)
        return SearchPage(params=params, query=parsed, hits=hits, total=total, page=page, per_page=per_page,
                          unknown_filters=unknown)
    window = window_size()
    ascending = params.sort == "oldest"
    ranking = ranking_for(params, parsed, lang, db)
    with fulltext_planning():
        rows = read_window(where, ranking, db, params, now=now, ascending=ascending, limit=window + 1)
        complete = len(rows) <= window
        rows = rows[:window]
        # Stable: equal keys keep the date order the rows came in, the last keys of the ranking.
        rows.sort(key=lambda r: (-r.in_lang, -r.score))
        total, lower_bound = len(rows), not complete
        shown: list[Row] = []
        if offset >= 0:
            shown = rows[offset:offset + per_page]
            if lower_bound and len(shown) < per_page:
                # Past the window: the other matches in date order, and one more row to know if a page follows.
                start = max(offset, window)
                need = per_page - len(shown)
                tail = fetch(where, Ranking(), ascending=ascending, limit=need + 1, offset=start)
                shown += tail[:need]
                total = max(total, start + len(tail))
                lower_bound = len(tail) > need
    hits = load_hits([(*row.target, row.score) for row in shown])
    return SearchPage(params=params, query=parsed, hits=hits, total=total, page=page, per_page=per_page,
                      facets=_label_facets(_facet_counts(rows), params, approximate=not complete) if facets else {},
                      unknown_filters=unknown, total_is_lower_bound=lower_bound, facets_approximate=not complete)


def _facet_counts(rows: Sequence[Row]) -> dict[str, list[FacetValue]]:
    """Counts over the window rows, from the index row's own columns: no join, no further query."""
    if not rows:
        return {}
    # The window's columns as tuples (one pass in C), each counted in C too.
    _ids, _items, _articles, kinds, events, locations, shotlists, captions, ens, frs, tags, people, *_rank = zip(
        *rows, strict=True)
    events_found, locations_found = Counter(events), Counter(locations)
    events_found.pop(None, None)
    locations_found.pop("", None)
    found: dict[str, Counter[str]] = {
        "type": Counter(kinds),
        "event": Counter({str(pk): count for pk, count in events_found.items()}),
        "location": locations_found,
        "shotlist": Counter({"1": sum(map(bool, shotlists))}),
        "captions": Counter({"1": sum(map(bool, captions))}),
        "lang": Counter({"en": sum(map(bool, ens)), "fr": sum(map(bool, frs))}),
        # The index row keeps its item's tag and people ids.
        "tag": Counter(" ".join(tags).split()),
        "person": Counter(" ".join(people).split()),
    }
    # Only the values a page can show (an event facet has hundreds), in the order label_facets keeps.
    return {name: [FacetValue(value, value, count) for value, count in heapq.nsmallest(FACET_LIMIT, (
        (value, count) for value, count in counter.items() if count), key=facet_order)]
        for name, counter in found.items() if +counter}


def _browse(where: Where, order: str, per_page: int, offset: int) -> tuple[list[Hit], int]:
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
        return load_hits(rows), int(cursor.fetchone()[0])


def _label_facets(found: dict[str, list[FacetValue]], params: SearchParams, *,
                  approximate: bool) -> dict[str, list[FacetValue]]:
    for values in found.values():
        for value in values:
            value.approximate = approximate
    return label_facets(found, params)


def matching_ids_sql(query: str, *, kind: str) -> Sql | None:
    """SQL returning the ids of items (kind='item') or articles matching `query`, whatever their status."""
    parsed = parse(query, typing=False)
    if not parsed:
        return None
    db = dialect()
    where = build_where(SearchParams(), parsed, db, now=timezone.now(), public=False)
    column = "item_id" if kind == "item" else "article_id"
    return f"SELECT d.{column} FROM search_document d WHERE d.{column} IS NOT NULL AND {where.sql()}", where.args  # noqa: S608 - fixed SQL; user values are parameters
