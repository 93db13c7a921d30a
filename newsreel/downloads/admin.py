from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from newsreel.downloads import stats
from newsreel.downloads.models import ClipCache, Download
from newsreel.lib.formfields import BOUNDED_MANY_TO_MANY
from newsreel.media.numbers import calendar_date


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin[Download]):
    list_display = ["started_at", "user", "organisation", "item", "kind", "role", "clip_in", "clip_out",
                    "range_start", "bytes_sent", "completed", "offloaded"]
    list_filter = ["kind", "completed", "offloaded", "started_at"]
    search_fields = ["organisation", "user__email", "item__reference"]
    date_hierarchy = "started_at"
    list_select_related = ["user", "item"]
    change_list_template = "admin/downloads/download/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("statistics/", self.admin_site.admin_view(self.statistics), name="downloads_statistics"),
            path("statistics.csv", self.admin_site.admin_view(self.statistics_csv), name="downloads_statistics_csv"),
            *super().get_urls(),
        ]

    def _period(self, request: HttpRequest) -> stats.Period:
        today = timezone.localdate()
        since = calendar_date(request.GET.get("since", "")) or today - dt.timedelta(days=30)
        until = calendar_date(request.GET.get("until", "")) or today
        return stats.Period(since, until)

    def statistics(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        period = self._period(request)
        return TemplateResponse(request, "admin/downloads/statistics.html", {
            **self.admin_site.each_context(request), "title": "Download statistics", "period": period,
            "top_items": stats.per_item(period, limit=10), "items": stats.per_item(period),
            "organisations": stats.per_organisation(period), "opts": self.model._meta,
        })

    def statistics_csv(self, request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        period = self._period(request)
        response = StreamingHttpResponse(stats.csv_rows(period), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="downloads_{period.since}_{period.until}.csv"'
        return response


@admin.register(ClipCache)
class ClipCacheAdmin(admin.ModelAdmin[ClipCache]):
    formfield_overrides = BOUNDED_MANY_TO_MANY
    list_display = ["rendition", "start", "end", "mode", "captions", "status", "size", "last_used_at"]
    list_filter = ["status", "mode"]
    readonly_fields = [f.name for f in ClipCache._meta.fields]
