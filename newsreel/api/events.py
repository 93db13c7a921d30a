"""/events: events and collections (summits, visits, exercises)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from newsreel.api.errors import not_found, with_errors
from newsreel.api.pagination import CURSOR, DEFAULT_LIMIT, MAX_LIMIT, keyset, next_url
from newsreel.api.representations import event_out
from newsreel.api.schemas import EventOut, EventPage
from newsreel.catalogue.models import Event

router = Router(tags=["events"])


@router.get("", response=with_errors({200: EventPage}), summary="Events", operation_id="event_list")
def event_list(request: HttpRequest, cursor: str | None = Query(None, max_length=1000, pattern=CURSOR),
               limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)) -> Any:
    """Events, most recently created first."""
    events, following = keyset(Event.objects.all(), field="id", cursor=cursor, limit=limit, scope="events")
    return {"results": [event_out(request, event) for event in events], "next_cursor": following,
            "next": next_url(request, following)}


@router.get("/{slug}", response=with_errors({200: EventOut}), summary="An event", operation_id="event_detail")
def event_detail(request: HttpRequest, slug: str = Path(..., max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")) -> Any:
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise not_found(_("No such event."))
    return event_out(request, event)
