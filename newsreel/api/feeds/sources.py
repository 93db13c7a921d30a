"""What each feed lists, as a search: the news, the media (all or one kind), an event's, any search's.

Every feed is a `SearchParams` run by the search engine, newest first: the same query path, filters and
visibility rule (published, embargo passed) as the pages, so a draft or embargoed item can never be in a feed
that the pages would not list. A "saved search" feed is the search page's query string, parsed by the same
`SearchParams.from_query`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from newsreel.catalogue.models import Event, Kind
from newsreel.lib.site_name import site_name
from newsreel.publishing import localized
from newsreel.search.params import KINDS, SearchParams

MEDIA_KINDS = tuple(Kind.values)


@dataclass(frozen=True)
class FeedSource:
    """One feed: its name in the URL, the search it runs, and the page it follows."""

    url_name: str
    url_args: tuple[str, ...]
    params: SearchParams
    page_name: str
    page_args: tuple[str, ...] = ()
    page_query: str = ""
    query: str = ""  # the feed URL's own query string (search feeds)
    event: Event | None = None

    def title(self, lang: str) -> str:
        site = site_name(lang)
        return f"{site} · {self.subject(lang)}"

    def subject(self, lang: str) -> str:
        with translation.override(lang):
            return self._subject(lang)

    def _subject(self, lang: str) -> str:
        if self.event is not None:
            return str(localized(self.event, "title", lang))
        if self.url_name == "search":
            return _("Search: %(q)s") % {"q": self.params.q} if self.params.q else _("Search results")
        if self.url_name == "news":
            return _("News")
        kinds = {"video": _("Videos"), "photo": _("Photos"), "audio": _("Audio")}
        return kinds.get(self.url_args[0], _("Media")) if self.url_args else _("Media")

    def page_url(self, lang: str) -> str:
        with translation.override(lang):
            path = reverse(self.page_name, args=self.page_args)
        return settings.SITE_URL + path + (f"?{self.page_query}" if self.page_query else "")

    def feed_url(self, lang: str, fmt: str) -> str:
        with translation.override(lang):
            path = reverse(f"feeds:{self.url_name}", args=(*self.url_args, fmt))
        return settings.SITE_URL + path + (f"?{self.query}" if self.query else "")


def news() -> FeedSource:
    return FeedSource("news", (), SearchParams(type=("article",)), "news:list")


def media(kind: str = "") -> FeedSource:
    if kind and kind not in MEDIA_KINDS:
        raise Http404("No such kind of media")
    return FeedSource("media_kind" if kind else "media", (kind,) if kind else (),
                      SearchParams(type=(kind,) if kind else MEDIA_KINDS), "catalogue:list",
                      page_query=f"type={kind}" if kind else "")


def event(slug: str) -> FeedSource:
    found = get_object_or_404(Event, slug=slug)
    return FeedSource("event", (found.slug,), SearchParams(event=found.slug, type=KINDS), "catalogue:event",
                      (found.slug,), event=found)


def search(data: QueryDict | dict[str, Any]) -> FeedSource:
    """The search page's parameters; newest first whatever the page's sort, as a reader expects of a feed."""
    params = SearchParams.from_query(data).with_(sort="date", page=1)
    query = params.query_string()
    return FeedSource("search", (), params, "search:search", page_query=query, query=query)
