"""RSS 2.0 and Atom feeds with Media RSS, per language, through Django's syndication framework.

Conditional GET: each answer carries an ETag (a hash of the body, so a withdrawn entry changes it too) and
Last-Modified (the latest change or publication among the entries); If-None-Match and If-Modified-Since get a
304. Anonymous answers are kept by the page cache like the pages (front/pagecache.py lists these views), which
also answers conditional requests from what it stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.html import escape
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from newsreel.api.feeds import sources
from newsreel.api.feeds.generators import MediaAtomFeed, MediaRssFeed
from newsreel.api.feeds.mediarss import media_entry
from newsreel.api.feeds.sources import FeedSource
from newsreel.catalogue.models import Item
from newsreel.news.models import Article
from newsreel.publishing import LANGS, current_lang, localized
from newsreel.search.engine import search

# A feed is read by machines every few minutes: a bounded page of the newest entries, never more.
FEED_ENTRIES = 50
# The search feed's query string (the search page's own fields are each bounded further by SearchParams).
MAX_QUERY_STRING = 2000
FORMATS = {"rss": (MediaRssFeed, "application/rss+xml"), "atom": (MediaAtomFeed, "application/atom+xml")}


class PortalFeed(Feed):
    """One feed in one language and format; built per request from its FeedSource."""

    def __init__(self, source: FeedSource, fmt: str, lang: str) -> None:
        self.source, self.fmt, self.lang = source, fmt, lang
        self.feed_type = FORMATS[fmt][0]
        self.language = lang

    def title(self) -> str:
        return self.source.title(self.lang)

    def link(self) -> str:
        return self.source.page_url(self.lang)

    def feed_url(self) -> str:
        return self.source.feed_url(self.lang, self.fmt)

    def description(self) -> str:
        return self.source.title(self.lang)

    def feed_extra_kwargs(self, obj: Any) -> dict[str, Any]:
        content_type = FORMATS[self.fmt][1]
        return {"alternates": [(lang, content_type, self.source.feed_url(lang, self.fmt))
                               for lang in LANGS if lang != self.lang]}

    def items(self) -> list[Item | Article]:
        page = search(self.source.params, lang=self.lang, per_page=FEED_ENTRIES, facets=False)
        found = [hit.obj for hit in page.hits]
        prefetch_related_objects([obj for obj in found if isinstance(obj, Item)], "tags")
        return found

    def item_title(self, obj: Item | Article) -> str:
        return str(localized(obj, "title", self.lang))

    def item_description(self, obj: Item | Article) -> str:
        # Plain text made safe as HTML: RSS descriptions and Atom summaries (type="html") are read as HTML.
        text = localized(obj, "summary", self.lang)
        if not text and isinstance(obj, Item):
            text = localized(obj, "description", self.lang)
        return escape(str(text))

    def item_link(self, obj: Item | Article) -> str:
        return _page(obj, self.lang)

    def item_guid(self, obj: Item | Article) -> str:
        # The same in both languages and formats: one piece of content, one identifier.
        return _page(obj, "en")

    def item_guid_is_permalink(self, obj: Item | Article) -> bool:
        return self.lang == "en"

    def item_pubdate(self, obj: Item | Article) -> dt.datetime:
        return obj.publish_at

    def item_updateddate(self, obj: Item | Article) -> dt.datetime:
        # An embargo that lifts changes the feed without a save: the later of the two.
        return max(obj.updated_at, obj.publish_at)

    def item_categories(self, obj: Item | Article) -> list[str]:
        if isinstance(obj, Article):
            return [str(obj.get_type_display())]
        return [str(obj.get_kind_display())]

    def item_copyright(self, obj: Item | Article) -> str | None:
        return getattr(obj, "copyright", "") or None

    def item_extra_kwargs(self, obj: Item | Article) -> dict[str, Any]:
        return {"alternates": [(lang, "text/html", _page(obj, lang)) for lang in LANGS],
                "media": media_entry(obj, self.lang) if isinstance(obj, Item) else None}


def _page(obj: Item | Article, lang: str) -> str:
    with translation.override(lang):
        return settings.SITE_URL + obj.get_absolute_url()


def _answer(request: HttpRequest, source: FeedSource, fmt: str) -> HttpResponse:
    lang = current_lang()
    response = PortalFeed(source, fmt, lang)(request)
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    conditional = get_conditional_response(request, etag=response["ETag"], last_modified=last_modified,
                                           response=response)
    assert isinstance(conditional, HttpResponse)
    return conditional


@require_safe
def news_feed(request: HttpRequest, fmt: str) -> HttpResponse:
    return _answer(request, sources.news(), fmt)


@require_safe
def media_feed(request: HttpRequest, fmt: str, kind: str = "") -> HttpResponse:
    return _answer(request, sources.media(kind), fmt)


@require_safe
def event_feed(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    return _answer(request, sources.event(slug), fmt)


@require_safe
def search_feed(request: HttpRequest, fmt: str) -> HttpResponse | HttpResponseBadRequest:
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
        return HttpResponseBadRequest(_("This search is too long for a feed."), content_type="text/plain")
    return _answer(request, sources.search(request.GET), fmt)


@require_safe
def feed_index(request: HttpRequest) -> HttpResponse:
    """The feeds a journalist can subscribe to, in this language, with how to make one of any search."""
    lang = current_lang()
    listed = [sources.news(), sources.media(), *(sources.media(kind) for kind in sources.MEDIA_KINDS)]
    feeds = [{"title": source.subject(lang), "rss": source.feed_url(lang, "rss"),
              "atom": source.feed_url(lang, "atom")} for source in listed]
    return render(request, "api/feeds.html", {"feeds": feeds})
