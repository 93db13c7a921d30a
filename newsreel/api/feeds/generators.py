"""Django's RSS 2.0 and Atom generators with the Media RSS namespace and hreflang alternates.

Entries are given `media` (a mediarss.MediaEntry or None) and `alternates` (language, URL of the entry's page);
the feed is given `alternates` (language, URL of the same feed in that language) and `page_alternates` (the
HTML page it follows, in each language). Everything is written through Django's XML generator: no string
concatenation of markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.xmlreader import AttributesImpl

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.xmlutils import SimplerXMLGenerator

from newsreel.api.feeds.mediarss import MRSS_NS, MediaElement, MediaEntry

ATOM_NS = "http://www.w3.org/2005/Atom"


def _write_media(handler: SimplerXMLGenerator, media: MediaEntry | None) -> None:
    if media is None:
        return
    if media.contents:
        handler.startElement("media:group", AttributesImpl({}))
        for element in media.contents:
            _write(handler, element)
        handler.endElement("media:group")
    for element in media.elements:
        _write(handler, element)


def _write(handler: SimplerXMLGenerator, element: MediaElement) -> None:
    handler.addQuickElement(f"media:{element.name}", element.text, element.attrs)


def _links(handler: SimplerXMLGenerator, tag: str, links: list[tuple[str, str, str]]) -> None:
    for lang, content_type, href in links:
        handler.addQuickElement(tag, None, {"rel": "alternate", "hreflang": lang, "type": content_type,
                                            "href": href})


# An empty feed's date: Django's generators would write the current time, which changes the body (and the
# ETag, a hash of it) every second although nothing changed.
NEVER_UPDATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class _StableDate(SyndicationFeed):
    def latest_post_date(self) -> dt.datetime:
        if not self.items:
            return NEVER_UPDATED
        return super().latest_post_date()


class MediaRssFeed(_StableDate, Rss201rev2Feed):
    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:media": MRSS_NS}

    def add_root_elements(self, handler: SimplerXMLGenerator) -> None:
        super().add_root_elements(handler)
        _links(handler, "atom:link", self.feed.get("alternates", []))

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        # The language versions first: readers take the last alternate link as the entry's own, which must stay
        # the page in the feed's language (written by Django's generator after these).
        _links(handler, "atom:link", item.get("alternates", []))
        super().add_item_elements(handler, item)
        _write_media(handler, item.get("media"))


class MediaAtomFeed(_StableDate, Atom1Feed):
    def root_attributes(self) -> dict[str, str]:
        return {**super().root_attributes(), "xmlns:media": MRSS_NS}

    def add_root_elements(self, handler: SimplerXMLGenerator) -> None:
        super().add_root_elements(handler)
        _links(handler, "link", self.feed.get("alternates", []))

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        # The language versions first: readers take the last alternate link as the entry's own, which must stay
        # the page in the feed's language (written by Django's generator after these).
        _links(handler, "link", item.get("alternates", []))
        super().add_item_elements(handler, item)
        _write_media(handler, item.get("media"))
