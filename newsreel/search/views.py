from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from newsreel.publishing import current_lang
from newsreel.search.engine import SearchPage, search, window_size
from newsreel.search.labels import kind_labels
from newsreel.search.params import SearchParams
from newsreel.search.snippets import annotate

MULTI = {"type", "tag", "person"}


@dataclass
class Suggestion:
    text: str
    url: str
    count: int
    more: bool = False  # at least `count`: more matched than the search counted


def _link_facets(page: SearchPage) -> None:
    params = page.params
    for name, values in page.facets.items():
        for value in values:
            if name in MULTI:
                current = getattr(params, name)
                chosen = tuple(v for v in current if v != value.value) if value.selected else (*current, value.value)
                value.url = "?" + params.query_string(**{name: chosen})
            elif name in ("shotlist", "captions"):
                value.url = "?" + params.query_string(**{name: not getattr(params, name)})
            else:
                value.url = "?" + params.query_string(**{name: "" if value.selected else value.value})


def _suggestions(page: SearchPage, lang: str) -> list[Suggestion]:
    """What to change when nothing matched: drop filters, drop one word, drop exclusions; with counts."""
    params, found = page.params, []
    candidates: list[tuple[str, SearchParams]] = []
    if params.has_filters:
        candidates.append((str(_("the same words without filters")), SearchParams(q=params.q)))
    pieces = params.q.split()
    if len(pieces) > 1:
        for index in range(min(len(pieces), 6)):
            rest = " ".join(pieces[:index] + pieces[index + 1:])
            candidates.append((rest, params.with_(q=rest)))
    if '"' in params.q:
        unquoted = params.q.replace('"', " ")
        candidates.append((unquoted, params.with_(q=unquoted)))
    for text, candidate in candidates[:6]:
        counted = search(candidate, lang=lang, facets=False, per_page=1)
        if counted.total:
            found.append(Suggestion(text, "?" + candidate.query_string(), counted.total, counted.total_is_lower_bound))
    return found


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    params = SearchParams.from_query(request.GET)
    if params.page < 1:
        raise Http404("No such page")
    lang = current_lang()
    page = search(params, lang=lang)
    if page.out_of_range:
        raise Http404("No such page")
    annotate(page.hits, page.query, lang)
    _link_facets(page)
    context: dict[str, Any] = {
        "results": page, "params": params, "kinds": kind_labels(),
        "suggestions": _suggestions(page, lang) if not page.total and (params.q or params.has_filters) else [],
        "has_query": bool(page.query),
        "sort_options": [("relevance", _("Relevance")), ("date", _("Newest")), ("oldest", _("Oldest"))],
        "base_query": params.with_().query_string(),
        "window": window_size(),
    }
    return render(request, "search/results.html", context)


def list_page(request: HttpRequest, **fixed: Any) -> SearchPage:
    """A browse list (latest videos, news, an event's media) through the engine: newest first, no query."""
    requested = SearchParams.from_query(request.GET)
    params = requested.with_(q="", sort="date", **fixed, page=requested.page)
    if params.page < 1:
        raise Http404("No such page")
    page = search(params, facets=False)
    if page.out_of_range:
        raise Http404("No such page")
    return page
