"""/items: media items (video, photo, audio) with their renditions, shotlists and published captions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from newsreel.api.conditional import etag_of, not_modified
from newsreel.api.errors import ApiError, not_found, with_errors
from newsreel.api.finding import ItemFilters, find, params_of, results
from newsreel.api.pagination import CURSOR, DEFAULT_LIMIT, MAX_LIMIT, next_url
from newsreel.api.representations import absolute, item_out
from newsreel.api.schemas import ItemOut, ItemPage
from newsreel.captions.export import published_sets
from newsreel.catalogue.models import Item
from newsreel.downloads.access import Verdict, may_download_item_text, may_preview, player_preview

router = Router(tags=["items"])

REFERENCE = Path(..., max_length=20, pattern=r"^[A-Za-z0-9-]+$", description="The item's reference, e.g. V-2026-0001.")


def reachable_item(reference: str) -> Item:
    """The item as the item page finds it (newsreel.front.catalogue_pages.item_detail): visible or withdrawn.
    Drafts and embargoed items are not found; withdrawn ones are gone (410)."""
    item = (Item.objects.reachable().select_related("event")
            .prefetch_related("renditions", "tags", "people", "shots").filter(reference=reference).first())
    if item is None:
        raise not_found(_("No such item."))
    if item.is_withdrawn:
        raise ApiError(410, "withdrawn", _("This item was withdrawn."))
    return item


@router.get("/{reference}", response=with_errors({200: ItemOut, 304: None}, 410), summary="An item",
            operation_id="item_detail")
def item_detail(request: HttpRequest, response: HttpResponse, reference: str = REFERENCE) -> Any:
    """One item with its renditions (what this caller may have, with links) and shotlist. Supports
    `If-None-Match`: the ETag changes whenever anything in the body would."""
    item = reachable_item(reference)
    data = ItemOut.model_validate({**item_out(request, item), "captions": captions_out(request, item)}
                                  ).model_dump(mode="json")
    etag = etag_of(data)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    if not_modified(request, etag):
        return Status(304, None)
    return Status(200, data)


def captions_out(request: HttpRequest, item: Item) -> list[dict[str, Any]]:
    """The published caption sets, with the downloads' verdict for this caller (the metadata sidecar's rule:
    whoever may download one of the item's files) and the player's track where the caller may watch."""
    sets = published_sets(item)
    if not sets:
        return []
    verdict = may_download_item_text(request.user, item)
    preview = player_preview(item)
    watch = preview is not None and may_preview(request.user, preview)
    out = []
    for cue_set in sets:
        args = [item.reference, cue_set.language]
        files = {kind: absolute(request, reverse(f"downloads:captions_{kind}", args=args))
                 if verdict != Verdict.NOT_FOUND else None for kind in ("srt", "vtt")}
        out.append({"language": cue_set.language, "name": cue_set.language_name, "updated_at": cue_set.updated_at,
                    "download": verdict.value if verdict != Verdict.NOT_FOUND else None,
                    "links": {**files, "track": absolute(request, reverse("downloads:captions_track", args=args))
                              if watch else None}})
    return out


@router.get("", response=with_errors({200: ItemPage}), summary="Items", operation_id="item_list")
def item_list(request: HttpRequest, filters: Query[ItemFilters],
              cursor: str | None = Query(None, max_length=1000, pattern=CURSOR),
              limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)) -> Any:
    """Published media items, newest first (or `sort=oldest`), with the search page's filters."""
    params = params_of(filters, type=filters.type or ["video", "photo", "audio"])
    found = find(params, cursor=cursor, limit=limit, scope="items")
    return {"results": results(request, found), "next_cursor": found.next_cursor,
            "next": next_url(request, found.next_cursor), "unknown_filters": found.unknown}
