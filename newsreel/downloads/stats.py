"""Download statistics for the back office: counts per item and per organisation over a period."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from newsreel.downloads.models import Download

# A resumed download is several requests; only the one that started at byte 0 counts as a download.
STARTS = Q(range_start=0)


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date  # inclusive

    def filter(self, qs: QuerySet[Download]) -> QuerySet[Download]:
        return qs.filter(started_at__date__gte=self.since, started_at__date__lte=self.until)


def per_item(period: Period, limit: int | None = None) -> list[dict[str, object]]:
    rows = (period.filter(Download.objects.filter(item__isnull=False))
            .values("item__reference", "item__title_en")
            .annotate(downloads=Count("id", filter=STARTS), completed=Count("id", filter=Q(completed=True)),
                      bytes=Sum("bytes_sent"), users=Count("user", distinct=True))
            .order_by("-downloads", "item__reference"))
    return [dict(row) for row in (rows[:limit] if limit else rows)]


def per_organisation(period: Period) -> list[dict[str, object]]:
    rows = (period.filter(Download.objects.all()).values("organisation")
            .annotate(downloads=Count("id", filter=STARTS), completed=Count("id", filter=Q(completed=True)),
                      bytes=Sum("bytes_sent"), users=Count("user", distinct=True), items=Count("item", distinct=True))
            .order_by("-downloads", "organisation"))
    return [dict(row) for row in rows]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(period: Period) -> Iterator[str]:
    """Every logged request of the period, one CSV line each, streamed."""
    writer = csv.writer(_Echo())
    yield writer.writerow(["started_at", "user", "organisation", "item", "kind", "version", "clip_in", "clip_out",
                           "first_byte", "bytes_expected", "bytes_sent", "completed", "sent_by_nginx"])
    qs = period.filter(Download.objects.select_related("user", "item")).order_by("started_at", "id")
    for d in qs.iterator(chunk_size=2000):
        yield writer.writerow([d.started_at.isoformat(), d.user.email if d.user else "", _safe(d.organisation),
                               d.item.reference if d.item else "", d.kind, d.role, d.clip_in, d.clip_out,
                               d.range_start, d.bytes_expected, d.bytes_sent, int(d.completed), int(d.offloaded)])


def _safe(text: str) -> str:
    # Spreadsheets run cells that start with these as formulas (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
