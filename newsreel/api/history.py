"""/me/downloads: the token owner's download history, as on their "My downloads" page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from newsreel.api.auth import require_scope
from newsreel.api.errors import with_errors
from newsreel.api.models import Scope
from newsreel.api.pagination import CURSOR, DEFAULT_LIMIT, MAX_LIMIT, PageInfo, keyset, next_url
from newsreel.api.representations import API_ROOT, absolute
from newsreel.downloads.models import Download

router = Router(tags=["account"])


class DownloadOut(Schema):
    started_at: dt.datetime
    item: str | None  # the item's reference (at /api/v1/items/{reference}); null once the item is deleted
    item_url: str | None
    kind: str  # file, clip, zip, sidecar
    role: str | None
    clip_in: str | None
    clip_out: str | None
    bytes_sent: int
    completed: bool


class DownloadPage(PageInfo):
    results: list[DownloadOut]


@router.get("/downloads", response=with_errors({200: DownloadPage}, 403), summary="My downloads",
            operation_id="my_downloads")
def my_downloads(request: HttpRequest, cursor: str | None = Query(None, max_length=1000, pattern=CURSOR),
                 limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)) -> Any:
    """What the token's owner downloaded, newest first. Needs a token (any token reads: scope `read`)."""
    user = require_scope(request, Scope.READ)
    rows, following = keyset(Download.objects.filter(user=user).select_related("item"), field="started_at",
                             cursor=cursor, limit=limit, scope=f"downloads:{user.pk}")
    return {"results": [_download(request, row) for row in rows], "next_cursor": following,
            "next": next_url(request, following)}


def _download(request: HttpRequest, row: Download) -> dict[str, Any]:
    reference = row.item.reference if row.item is not None else None
    return {"started_at": row.started_at, "item": reference,
            "item_url": absolute(request, f"{API_ROOT}/items/{reference}") if reference else None,
            "kind": row.kind, "role": row.role or None, "clip_in": row.clip_in or None,
            "clip_out": row.clip_out or None, "bytes_sent": row.bytes_sent,
            "completed": row.completed or row.offloaded}
