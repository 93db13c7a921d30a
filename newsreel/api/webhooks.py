"""/webhooks: the token owner's webhook endpoints, through newsreel.webhooks' services (the rules of the pages).

Any token may manage its owner's endpoints (scope `read`: endpoints only push what the owner may read); as on
the pages, the owner needs a verified address and the current terms. The signing secret is in the answers that
make it (create, rotate) and in an endpoint's own resource, never in the list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from pydantic import Field

from newsreel.api.auth import require_scope
from newsreel.api.downloads import refused
from newsreel.api.errors import ApiError, not_found, with_errors
from newsreel.api.models import Scope
from newsreel.api.representations import API_ROOT, absolute
from newsreel.downloads.access import Verdict, account_verdict
from newsreel.newsletter.models import SavedSearch
from newsreel.webhooks.addresses import MAX_URL_LENGTH
from newsreel.webhooks.models import Endpoint
from newsreel.webhooks.services import (
    MAX_ENDPOINTS,
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_update,
)

router = Router(tags=["webhooks"])

ENDPOINT_ID = Path(..., ge=1, le=2**31 - 1, description="The endpoint's id.")


class EndpointIn(Schema):
    url: str = Field(..., min_length=1, max_length=MAX_URL_LENGTH,
                     description="An https:// address on the internet that receives signed POST requests.")
    saved_search: int | None = Field(None, ge=1, le=2**31 - 1,
                                     description="Only what matches this saved search of yours; null: everything.")
    description: str = Field("", max_length=200)


class EndpointOut(Schema):
    id: int
    url: str
    self: str
    saved_search: int | None
    description: str
    active: bool
    disabled_reason: str | None
    consecutive_failures: int
    created_at: dt.datetime
    secret: str | None = None  # in answers about one endpoint only


class EndpointList(Schema):
    results: list[EndpointOut]


def _out(request: HttpRequest, endpoint: Endpoint, *, secret: bool) -> dict[str, Any]:
    return {"id": endpoint.pk, "url": endpoint.url, "self": absolute(request, f"{API_ROOT}/webhooks/{endpoint.pk}"),
            "saved_search": endpoint.saved_search_id, "description": endpoint.description,
            "active": endpoint.active, "disabled_reason": endpoint.disabled_reason or None,
            "consecutive_failures": endpoint.consecutive_failures, "created_at": endpoint.created_at,
            "secret": endpoint.secret if secret else None}


def _owner(request: HttpRequest) -> User:
    user = require_scope(request, Scope.READ)
    verdict = account_verdict(user)
    if verdict != Verdict.ALLOWED:
        raise refused(request, verdict)
    return user


def _own(request: HttpRequest, endpoint_id: int) -> Endpoint:
    endpoint = Endpoint.objects.filter(pk=endpoint_id, owner=_owner(request)).first()
    if endpoint is None:
        raise not_found(_("No such endpoint."))
    return endpoint


def _invalid(field: str, message: str, kind: str) -> ApiError:
    return ApiError(422, "invalid_request", message, errors=[
        {"loc": ["body", "payload", field], "message": message, "type": kind}])


def _saved_search(owner: User, pk: int | None) -> SavedSearch | None:
    if pk is None:
        return None
    found = SavedSearch.objects.filter(pk=pk, user=owner).first()
    if found is None:
        raise _invalid("saved_search", _("No such saved search of yours."), "not_found")
    return found


def _unsafe(exc: ValidationError) -> ApiError:
    return _invalid("url", " ".join(str(message) for message in exc.messages), "unsafe_url")


@router.get("", response=with_errors({200: EndpointList}, 403), summary="My webhook endpoints",
            operation_id="webhook_list")
def webhook_list(request: HttpRequest) -> Any:
    """The token owner's endpoints (at most 20), newest first; secrets are in each endpoint's own resource."""
    user = _owner(request)
    rows = Endpoint.objects.filter(owner=user).order_by("-created_at", "-pk")
    return {"results": [_out(request, row, secret=False) for row in rows]}


@router.post("", response=with_errors({201: EndpointOut}, 403), summary="Add a webhook endpoint",
             operation_id="webhook_create")
def webhook_create(request: HttpRequest, response: HttpResponse, payload: EndpointIn) -> Any:
    """A new endpoint, active at once, with its signing secret (HMAC-SHA256, see docs/webhooks.md). It receives
    what is published from now on."""
    user = _owner(request)
    if Endpoint.objects.filter(owner=user).count() >= MAX_ENDPOINTS:
        raise ApiError(422, "too_many_endpoints",
                       _("You have reached the limit of %(max)d endpoints.") % {"max": MAX_ENDPOINTS})
    saved_search = _saved_search(user, payload.saved_search)
    try:
        endpoint = endpoint_create(owner=user, url=payload.url, saved_search=saved_search,
                                   description=payload.description)
    except ValidationError as exc:
        raise _unsafe(exc) from exc
    body = _out(request, endpoint, secret=True)
    response["Location"] = body["self"]
    return Status(201, body)


@router.get("/{endpoint_id}", response=with_errors({200: EndpointOut}, 403), summary="A webhook endpoint",
            operation_id="webhook_detail")
def webhook_detail(request: HttpRequest, response: HttpResponse, endpoint_id: int = ENDPOINT_ID) -> Any:
    response["Cache-Control"] = "no-store"
    return _out(request, _own(request, endpoint_id), secret=True)


@router.put("/{endpoint_id}", response=with_errors({200: EndpointOut}, 403), summary="Change a webhook endpoint",
            operation_id="webhook_update")
def webhook_update(request: HttpRequest, payload: EndpointIn, endpoint_id: int = ENDPOINT_ID) -> Any:
    endpoint = _own(request, endpoint_id)
    saved_search = _saved_search(endpoint.owner, payload.saved_search)
    try:
        endpoint_update(endpoint=endpoint, url=payload.url, saved_search=saved_search,
                        description=payload.description)
    except ValidationError as exc:
        raise _unsafe(exc) from exc
    return _out(request, endpoint, secret=True)


@router.post("/{endpoint_id}/rotate", response=with_errors({200: EndpointOut}, 403),
             summary="New signing secret", operation_id="webhook_rotate")
def webhook_rotate(request: HttpRequest, endpoint_id: int = ENDPOINT_ID) -> Any:
    """A new secret; the old one keeps signing beside it for 24 hours, so the receiver can switch."""
    return _out(request, endpoint_rotate_secret(endpoint=_own(request, endpoint_id)), secret=True)


@router.delete("/{endpoint_id}", response=with_errors({204: None}, 403), summary="Remove a webhook endpoint",
               operation_id="webhook_delete")
def webhook_delete(request: HttpRequest, endpoint_id: int = ENDPOINT_ID) -> Any:
    endpoint_delete(endpoint=_own(request, endpoint_id))
    return Status(204, None)
