"""Editors' admin search through the same engine as the public pages (all statuses, admin's own ordering)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest

from newsreel.search.engine import matching_ids_sql


class EngineSearchMixin:
    """For ModelAdmin: `?q=` runs the search engine; `search_kind` says which ids to match ('item'/'article')."""

    search_kind = "item"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any],
                           search_term: str) -> tuple[QuerySet[Any], bool]:
        query = matching_ids_sql(search_term, kind=self.search_kind)
        if query is None:
            return queryset, False
        sql, args = query
        return queryset.filter(pk__in=RawSQL(sql, args)), False  # noqa: S611 - user values are parameters
