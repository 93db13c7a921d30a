"""The whole state of a search or list page, read from (and written back to) the URL's query string."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

from newsreel.lib.inputs import clean_text
from newsreel.media.numbers import NotANumber, calendar_date, whole_number
from newsreel.publishing import LANGS

KINDS = ("video", "photo", "audio", "article")
SORTS = ("relevance", "date", "oldest")
MAX_MULTI = 5


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    type: tuple[str, ...] = ()
    article_type: str = ""
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    shot_from: dt.date | None = None
    shot_to: dt.date | None = None
    event: str = ""
    tag: tuple[str, ...] = ()
    person: tuple[str, ...] = ()
    location: str = ""
    shotlist: bool = False
    captions: bool = False
    lang: str = ""
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_query(cls, data: QueryDict | dict[str, Any]) -> SearchParams:
        """Never raises: values that do not parse are dropped, as a shared URL may be old or hand-edited."""

        # The same cleaning as the request boundary (newsreel.lib.inputs): a saved search's stored query string is
        # parsed here again at every alert run, without passing through a request.
        def get(name: str) -> str:
            value = data.get(name, "")
            return clean_text(str(value)).strip()[:300] if value is not None else ""

        def get_list(name: str) -> tuple[str, ...]:
            values = data.getlist(name) if isinstance(data, QueryDict) else _as_list(data.get(name))
            cleaned = (clean_text(str(v)).strip()[:120] for v in values if v)
            return tuple(dict.fromkeys(v for v in cleaned if v))[:MAX_MULTI]

        from newsreel.search.query import clean  # local: params is imported by query users too

        page_raw = get("page") or "1"
        return cls(
            q=clean(clean_text(str(data.get("q", "") or "")))[:300],
            type=tuple(k for k in get_list("type") if k in KINDS),
            article_type=get("article_type")[:16],
            published_from=_date(get("published_from")),
            published_to=_date(get("published_to")),
            shot_from=_date(get("shot_from")),
            shot_to=_date(get("shot_to")),
            event=get("event")[:120],
            tag=get_list("tag"),
            person=get_list("person"),
            location=get("location")[:200],
            shotlist=get("shotlist") in ("1", "on", "true"),
            captions=get("captions") in ("1", "on", "true"),
            lang=get("lang") if get("lang") in LANGS else "",
            sort=get("sort") if get("sort") in SORTS else "relevance",
            page=_page(page_raw),
        )

    def with_(self, **changes: Any) -> SearchParams:
        if "page" not in changes:
            changes["page"] = 1
        return replace(self, **changes)

    def query_string(self, **changes: Any) -> str:
        """The URL query for this state (defaults left out, so shared links stay short)."""
        state = self.with_(**changes) if changes else self
        pairs: list[tuple[str, str]] = []
        default = SearchParams()
        for f in fields(state):
            value = getattr(state, f.name)
            if value == getattr(default, f.name):
                continue
            if isinstance(value, tuple):
                pairs += [(f.name, v) for v in value]
            elif isinstance(value, bool):
                pairs.append((f.name, "1"))
            elif isinstance(value, dt.date):
                pairs.append((f.name, value.isoformat()))
            else:
                pairs.append((f.name, str(value)))
        return urlencode(pairs)

    @property
    def has_filters(self) -> bool:
        return self.with_(q="", sort="relevance") != SearchParams()


def _page(raw: str) -> int:
    """The page number, or 0 (no such page) for anything that is not one."""
    try:
        return whole_number(raw, maximum=999_999)
    except NotANumber:
        return 0


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _date(raw: str) -> dt.date | None:
    return calendar_date(raw[:10])
