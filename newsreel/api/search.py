"""/search: the search page's query, filters, facets and ranking, through the same engine."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from newsreel.api.errors import with_errors
from newsreel.api.finding import SearchFilters, find, params_of, results
from newsreel.api.pagination import CURSOR, DEFAULT_LIMIT, MAX_LIMIT, next_url
from newsreel.api.schemas import SearchResults
from newsreel.publishing import current_lang
from newsreel.search.snippets import annotate

router = Router(tags=["search"])


@router.get("", response=with_errors({200: SearchResults}), summary="Search", operation_id="search")
def search(request: HttpRequest, filters: Query[SearchFilters],
           cursor: str | None = Query(None, max_length=1000, pattern=CURSOR),
           limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)) -> Any:
    """Items and articles matching `q` and the filters, ranked as on the search page: titles in the caller's
    language (Accept-Language) first, then by score, then newest. Facets and the total come with the first page
    (counted over at most the most recent NEWSREEL_SEARCH_WINDOW matches; beyond, they are lower bounds)."""
    found = find(params_of(filters), cursor=cursor, limit=limit, scope="search", facets=True)
    page = found.page
    annotate(page.hits, page.query, current_lang())  # the page's snippets, in the caller's language
    hits = [{"type": hit.kind, "item": summary if hit.kind != "article" else None,
             "article": summary if hit.kind == "article" else None, "snippet": str(hit.snippet or ""),
             "shot": {"tc_in": hit.shot.tc_in, "tc_out": hit.shot.tc_out, "snippet": str(hit.line_snippet)}
             if hit.shot is not None else None,
             "caption": {"language": hit.caption.language, "tc_in": hit.caption.tc_in, "tc_out": hit.caption.tc_out,
                         "t": hit.caption.moment, "snippet": str(hit.line_snippet)}
             if hit.caption is not None else None}
            for hit, summary in zip(page.hits, results(request, found), strict=True)]
    facets = {name: [{"value": v.value, "label": str(v.label), "count": v.count, "approximate": v.approximate,
                      "selected": v.selected} for v in values] for name, values in page.facets.items()}
    return {"results": hits, "next_cursor": found.next_cursor, "next": next_url(request, found.next_cursor),
            "total": page.total if found.first else None,
            "total_is_lower_bound": page.total_is_lower_bound if found.first else False,
            "facets": facets, "unknown_filters": found.unknown}
