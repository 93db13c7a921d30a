"""The API's resource shapes (OpenAPI components). Texts come in both languages; `null` where one is missing."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from newsreel.api.pagination import PageInfo


class Text(Schema):
    en: str | None
    fr: str | None


class Links(Schema):
    """Where a client goes on: `self` in the API, `page` and `page_fr` on the portal, and files."""

    self: str
    page: str | None = None
    page_fr: str | None = None
    poster: str | None = None
    thumbnail: str | None = None
    preview: str | None = None
    items: str | None = None  # an event's items and articles in the API
    articles: str | None = None


class EventRef(Schema):
    slug: str
    title: Text
    url: str


class TagOut(Schema):
    slug: str
    name: Text


class PersonOut(Schema):
    slug: str
    name: str
    role: Text


class RenditionLinks(Schema):
    preview: str | None = None
    download: str | None = None  # the API's download, which honours the token (the `download` scope)
    portal_download: str | None = None  # the portal's link, for a person in a browser


class RenditionOut(Schema):
    id: int
    role: str
    kind: str  # "preview" (for anyone who sees the item) or "download" (under the access rules)
    access: str  # open / registered / restricted
    download: str | None  # for downloads: allowed, sign-in, verify, terms: what this caller lacks
    media_type: str
    size: int
    width: int | None
    height: int | None
    duration: float | None
    frame_rate: str | None
    bitrate: int | None
    video_codec: str | None
    audio_codec: str | None
    sha256: str | None
    links: RenditionLinks


class ShotOut(Schema):
    tc_in: str
    tc_out: str
    description: Text


class CaptionLinks(Schema):
    srt: str | None  # SubRip download; add ?in=HH:MM:SS:FF&out=HH:MM:SS:FF (source timecodes) for a clip's cut
    vtt: str | None  # WebVTT download, the same
    track: str | None  # the player's WebVTT track (for those who may watch the preview)


class CaptionSetOut(Schema):
    language: str  # a code, e.g. "en"
    name: str  # the language's name in the caller's language
    download: str | None  # allowed, sign-in, verify, terms: what this caller lacks for srt and vtt
    updated_at: dt.datetime
    links: CaptionLinks


class ItemSummary(Schema):
    reference: str
    kind: str
    title: Text
    summary: Text
    publish_at: dt.datetime
    updated_at: dt.datetime
    shot_on: dt.date | None
    location: Text
    event: EventRef | None
    access: str
    duration: float | None
    links: Links


class ItemOut(ItemSummary):
    description: Text
    credit: str
    copyright: str
    terms: Text
    frame_rate: str | None
    start_timecode: str | None
    tags: list[TagOut]
    people: list[PersonOut]
    renditions: list[RenditionOut]
    shotlist: list[ShotOut]
    captions: list[CaptionSetOut] = []  # published caption sets only, by language


class ArticleSummary(Schema):
    slug: str
    type: str
    reference: str
    title: Text
    summary: Text
    publish_at: dt.datetime
    updated_at: dt.datetime
    event: EventRef | None
    links: Links


class ArticleOut(ArticleSummary):
    body: Text  # cleaned HTML
    related_items: list[str]  # item references (each at /api/v1/items/{reference})


class EventOut(Schema):
    slug: str
    title: Text
    description: Text
    starts_on: dt.date | None
    ends_on: dt.date | None
    location: str
    links: Links


class ItemPage(PageInfo):
    results: list[ItemSummary]
    unknown_filters: list[str]  # filters naming an event, tag or person that does not exist (nothing matches)


class ArticlePage(PageInfo):
    results: list[ArticleSummary]
    unknown_filters: list[str]


class FacetValueOut(Schema):
    value: str  # what to pass back as the filter's value
    label: str  # in the caller's language
    count: int
    approximate: bool  # counted over the most recent matches only: at least `count`
    selected: bool


class ShotMatch(Schema):
    tc_in: str
    tc_out: str
    snippet: str  # HTML: the shot's description with the matching words in <mark>


class CaptionMatch(Schema):
    language: str  # the caption set's language
    tc_in: str  # the cue's times in the item's source timecode (a clock time HH:MM:SS.mmm without frames)
    tc_out: str
    t: str  # the item page opens at the cue with `?t=` this value (docs/embeds.md)
    snippet: str  # HTML: the cue's text with the matching words in <mark>


class SearchHit(Schema):
    type: str  # video, photo, audio or article
    item: ItemSummary | None
    article: ArticleSummary | None
    snippet: str  # HTML, as the search page shows it: the matching words in <mark>, the rest escaped
    shot: ShotMatch | None  # the first shotlist line that matches, where the page would link to it
    caption: CaptionMatch | None  # else the first published caption cue that matches, likewise


class SearchResults(PageInfo):
    results: list[SearchHit]
    total: int | None  # on the first page only
    total_is_lower_bound: bool  # more matched than were counted: `total` is "at least"
    facets: dict[str, list[FacetValueOut]]  # on the first page only: type, event, tag, person, location, ...
    unknown_filters: list[str]


class EventPage(PageInfo):
    results: list[EventOut]
