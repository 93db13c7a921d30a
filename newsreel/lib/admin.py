"""Admin pieces the content apps share: searching through the site's search engine, and one-unit saves.

The content apps sit below search, so their admins cannot import it: the search app hands its matcher to
`use_matcher()` when it is ready, and until then (or without it) the admin's own `search_fields` apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import router
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse

from newsreel.lib.units import unit_of_work

# (search term, kind) -> (SQL selecting the matching ids, its parameters), or None when the term has no words.
Matcher = Callable[..., "tuple[str, Any] | None"]

_matcher: list[Matcher] = []


def use_matcher(matcher: Matcher) -> None:
    _matcher[:] = [matcher]


class EngineSearchMixin:
    """For ModelAdmin: `?q=` runs the search engine; `search_kind` says which ids to match ('item'/'article')."""

    search_kind = "item"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any],
                           search_term: str) -> tuple[QuerySet[Any], bool]:
        if not _matcher:
            return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        query = _matcher[0](search_term, kind=self.search_kind)
        if query is None:
            return queryset, False
        sql, args = query
        return queryset.filter(pk__in=RawSQL(sql, args)), False  # noqa: S611 - user values are parameters


class OneUnitChangeForm:
    """For ModelAdmin: the object, its inlines and its many-to-many links are saved as one unit of work, so
    what follows a change (the search index) runs once for the whole form, not once per inline row."""

    model: Any

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        # The admin opens its own transaction inside this one; the unit's work runs before ours commits.
        with unit_of_work(using=router.db_for_write(self.model)):
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
