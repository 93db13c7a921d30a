"""Cursor pagination: one opaque, signed cursor per list, stable when content is added meanwhile.

Two kinds of position, both hidden in the cursor:
- a keyset (the last row's sort key and id): the next page starts strictly after it, so rows inserted anywhere
  never shift a page (date-ordered lists: items, articles, events, the download history);
- for relevance-ranked searches, where no key orders the rows, the offset in the ranking at the instant of the
  first page: content published after it stays out of the following pages, so they do not shift.
A cursor is signed: a client cannot forge a position. A damaged one, or one of another list, names no page of
this list: a 404, as a page number that does not exist is on the portal's pages (newsreel/lib/paging.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema

from newsreel.api.errors import ApiError

_SALT = "newsreel.api.cursor"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class Position:
    """Where the next page starts: after the row (key, id), or at `offset` of the ranking as it was at `at`."""

    key: Any = None
    id: int | None = None
    offset: int = 0
    at: dt.datetime | None = None
    limit: int = 0  # an offset cursor keeps the page size it was made with


class PageInfo(Schema):
    next_cursor: str | None  # pass as `cursor` for the next page; null on the last page
    next: str | None  # the next page's full URL, or null on the last page


def encode(position: Position, *, scope: str) -> str:
    data: dict[str, Any] = {"s": scope}
    if position.id is not None:
        data["k"] = position.key.isoformat() if isinstance(position.key, dt.datetime | dt.date) else position.key
        data["i"] = position.id
    if position.at is not None:
        data["o"], data["t"], data["l"] = position.offset, position.at.isoformat(), position.limit
    return signing.dumps(data, salt=_SALT, compress=True)


def decode(cursor: str | None, *, scope: str) -> Position | None:
    """The position in `cursor`, made for a list of `scope` (a cursor is not valid on another list)."""
    if not cursor:
        return None
    try:
        data = signing.loads(cursor[:1000], salt=_SALT)
        if not isinstance(data, dict) or data.get("s") != scope:
            raise ValueError(scope)
        at = dt.datetime.fromisoformat(data["t"]) if "t" in data else None
        key = data.get("k")
        if isinstance(key, str) and "T" in key:
            key = dt.datetime.fromisoformat(key)
        return Position(key=key, id=int(data["i"]) if "i" in data else None, offset=int(data.get("o", 0)), at=at,
                        limit=int(data.get("l", 0)))
    except (signing.BadSignature, ValueError, KeyError, TypeError) as exc:
        raise invalid_cursor() from exc


def invalid_cursor() -> ApiError:
    return ApiError(404, "invalid_cursor", _("No such page: the cursor is not one of this list."),
                    errors=[{"loc": ["query", "cursor"], "message": _("Not a cursor of this list."),
                             "type": "invalid_cursor"}])


# What a cursor looks like (django.core.signing's URL-safe output), so the OpenAPI document says it.
CURSOR = r"^[A-Za-z0-9_.:-]+$"


def keyset(queryset: QuerySet[Any], *, field: str, cursor: str | None, limit: int,
           scope: str) -> tuple[list[Any], str | None]:
    """One page of `queryset` newest first by (`field`, id), both non-null, and the cursor of the next page."""
    position = decode(cursor, scope=scope)
    rows = queryset.order_by(f"-{field}", "-id")
    if position is not None:
        if position.id is None:
            raise invalid_cursor()
        rows = rows.filter(Q(**{f"{field}__lt": position.key}) | Q(**{field: position.key, "id__lt": position.id}))
    page = list(rows[:limit + 1])
    more = len(page) > limit
    page = page[:limit]
    following = encode(Position(key=getattr(page[-1], field), id=page[-1].pk), scope=scope) if more else None
    return page, following
def next_url(request: HttpRequest, cursor: str | None) -> str | None:
    """The next page's URL: this request's with the cursor replaced. Also sent as a `Link: <...>; rel="next"`
    header (RFC 8288) by the API's view wrapper (newsreel.api.v1), for clients that page by headers."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    url = request.build_absolute_uri(request.path + "?" + query.urlencode())
    request.META[NEXT_PAGE] = url
    return url


NEXT_PAGE = "newsreel.api.next_page"
