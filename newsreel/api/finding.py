"""Lists and searches through the search engine (newsreel/search/), as the pages do: one query path.

The filters arrive as typed query parameters (documented, and a 422 when malformed), then go through
`SearchParams.from_query`, the very parser of the search and list pages, so a filter means the same here and
there. Ranking follows the caller's language (Accept-Language), as a page follows its reader's.
"""

# No `from __future__ import annotations` here: ninja builds its query-parameter models from these classes in its
# own module, where string annotations naming this module's aliases (Day, ItemKind) could not be resolved.

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from pydantic import BeforeValidator, StringConstraints

from newsreel.api.pagination import MAX_LIMIT, Position, decode, encode, invalid_cursor
from newsreel.api.representations import article_summary, item_summary
from newsreel.publishing import current_lang
from newsreel.search.engine import SearchPage, search
from newsreel.search.models import SearchDocument
from newsreel.search.params import SearchParams
from newsreel.search.query import parse

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """Days as the pages take them, YYYY-MM-DD; pydantic alone would also read a number as a timestamp."""
    if isinstance(value, str) and _DAY.fullmatch(value):
        return value
    if isinstance(value, dt.date):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


Day = Annotated[dt.date, BeforeValidator(_iso_day)]
# Text without the control characters the API refuses (newsreel.api.v1): said in the document, checked there too.
TEXT = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"
SlugValue = Annotated[str, StringConstraints(max_length=120, pattern=SLUG)]
Kind = Literal["video", "photo", "audio", "article"]
ItemKind = Literal["video", "photo", "audio"]


class CommonFilters(Schema):
    """Filters every list shares (the search page's, same names and meanings)."""

    event: str | None = Field(None, max_length=120, pattern=SLUG, description="Event slug.")
    published_from: Day | None = Field(None, description="Published on or after this day (site time).")
    published_to: Day | None = Field(None, description="Published on or before this day.")
    lang: Literal["en", "fr"] | None = Field(None, description="Only content written in this language.")


class ItemFilters(CommonFilters):
    type: list[ItemKind] = Field([], max_length=5, description="Media types (repeat for several).")
    tag: list[SlugValue] = Field([], max_length=5, description="Tag slugs (all must match).")
    person: list[SlugValue] = Field([], max_length=5, description="People's slugs (all must match).")
    location: str | None = Field(None, max_length=200, pattern=TEXT, description="A place, as the facet names it.")
    shot_from: Day | None = Field(None, description="Shot on or after this day.")
    shot_to: Day | None = Field(None, description="Shot on or before this day.")
    shotlist: bool = Field(False, description="Only videos with a shotlist.")
    captions: bool = Field(False, description="Only items with published captions.")
    sort: Literal["date", "oldest"] = "date"


class ArticleFilters(CommonFilters):
    article_type: Literal["press_release", "news", "statement"] | None = None
    sort: Literal["date", "oldest"] = "date"


class SearchFilters(ItemFilters):
    q: str = Field("", max_length=300, pattern=TEXT,
                   description='Words (all must match), "phrases", -excluded, prefix*.')
    type: list[Kind] = Field([], max_length=5, description="Types (repeat for several).")  # type: ignore[assignment]
    article_type: Literal["press_release", "news", "statement"] | None = None
    sort: Literal["relevance", "date", "oldest"] = "relevance"  # type: ignore[assignment]


def params_of(filters: Schema, **fixed: Any) -> SearchParams:
    """The filters as the pages' parser reads a query string."""
    data: dict[str, Any] = {}
    for name, value in {**filters.model_dump(), **fixed}.items():
        if value is None or value == "" or value == [] or value is False:
            continue
        if value is True:
            data[name] = "1"
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return SearchParams.from_query(data)


@dataclass
class Found:
    page: SearchPage
    next_cursor: str | None
    first: bool
    unknown: list[str] = field(default_factory=list)


def find(params: SearchParams, *, cursor: str | None, limit: int, scope: str, facets: bool = False) -> Found:
    """One page of what the engine finds for `params`, and the cursor of the next page.

    Date order (lists, searches sorted by date, or without words): a keyset, the last document's publish time
    and id. Relevance: the offset in the ranking at the first page's instant, so content published since stays
    out of the following pages."""
    position = decode(cursor, scope=scope)
    if params.sort != "relevance" or not parse(params.q).clauses:
        return _keyed(params, position, limit=limit, scope=scope, facets=facets)
    return _ranked(params, position, limit=limit, scope=scope, facets=facets)


def _keyed(params: SearchParams, position: Position | None, *, limit: int, scope: str, facets: bool) -> Found:
    if position is not None and (position.id is None or not isinstance(position.key, dt.datetime)):
        raise invalid_cursor()
    after = (position.key, int(position.id or 0)) if position is not None else None
    page = search(params.with_(page=1), lang=current_lang(), per_page=limit, facets=facets and after is None,
                  after=after)
    following = None
    if page.hits and (page.total > len(page.hits) or page.total_is_lower_bound):
        last = page.hits[-1].obj
        column = "article_id" if page.hits[-1].kind == "article" else "item_id"
        document = SearchDocument.objects.filter(**{column: last.pk}).values_list("publish_at", "id").first()
        if document is not None:
            following = encode(Position(key=document[0], id=document[1]), scope=scope)
    return Found(page, following, first=after is None, unknown=page.unknown_filters)


def _ranked(params: SearchParams, position: Position | None, *, limit: int, scope: str, facets: bool) -> Found:
    if position is not None and position.at is None:
        raise invalid_cursor()
    at = position.at if position is not None else timezone.now()
    limit = min(position.limit, MAX_LIMIT) if position is not None and position.limit else limit
    offset = position.offset if position is not None else 0
    number = offset // limit + 1
    page = search(params.with_(page=number), lang=current_lang(), per_page=limit, now=at,
                  facets=facets and position is None)
    if page.out_of_range or number > settings.NEWSREEL_MAX_PAGE:
        page.hits = []
    following = None
    if page.hits and page.has_next() and number < settings.NEWSREEL_MAX_PAGE:
        following = encode(Position(offset=offset + limit, at=at, limit=limit), scope=scope)
    return Found(page, following, first=position is None, unknown=page.unknown_filters)


def results(request: HttpRequest, found: Found) -> list[dict[str, Any]]:
    return [item_summary(request, hit.obj) if hit.kind != "article" else article_summary(request, hit.obj)
            for hit in found.page.hits]
