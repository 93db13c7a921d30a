"""/items: media items (video, photo, audio) with their renditions and shotlists."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from newsreel.api.conditional import etag_of, not_modified
from newsreel.api.errors import ApiError, not_found, with_errors
from newsreel.api.finding import ItemFilters, find, params_of, results
from newsreel.api.pagination import CURSOR, DEFAULT_LIMIT, MAX_LIMIT, next_url
from newsreel.api.representations import item_out
from newsreel.api.schemas import ItemOut, ItemPage
from newsreel.catalogue.models import Item

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
    data = ItemOut.model_validate(item_out(request, reachable_item(reference))).model_dump(mode="json")
    etag = etag_of(data)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    if not_modified(request, etag):
        return Status(304, None)
    return Status(200, data)


@router.get("", response=with_errors({200: ItemPage}), summary="Items", operation_id="item_list")
def item_list(request: HttpRequest, filters: Query[ItemFilters],
              cursor: str | None = Query(None, max_length=1000, pattern=CURSOR),
              limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)) -> Any:
    """Published media items, newest first (or `sort=oldest`), with the search page's filters."""
    params = params_of(filters, type=filters.type or ["video", "photo", "audio"])
    found = find(params, cursor=cursor, limit=limit, scope="items")
    return {"results": results(request, found), "next_cursor": found.next_cursor,
            "next": next_url(request, found.next_cursor), "unknown_filters": found.unknown}
