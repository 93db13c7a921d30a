"""The query interface alerts use: what, among things that became visible in a time window, matches a
saved search (the search page's query string).

`find_matches(query, lang=..., since=..., until=..., limit=...)` returns `Match`es, newest first. Only this
function knows how searching is done; alerts never look inside a query.

Until the search app (#7) is merged this is a small stand-in that understands `q` (all words, in titles and
summaries of either language) and `type` (video, photo, audio, article); see docs/newsletter.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import QueryDict
from django.utils import translation

from newsreel.catalogue.models import Item
from newsreel.news.models import Article
from newsreel.newsletter.mail import absolute
from newsreel.publishing import localized

KINDS = ("video", "photo", "audio", "article")


@dataclass(frozen=True)
class Match:
    key: str  # stable across runs: "item:12", "article:7"
    title: str
    url: str
    thumbnail: str
    label: str
    published_at: datetime


def became_visible(since: datetime, until: datetime) -> Q:
    # Published in the window, or published later than its embargo time (the status change bumps updated_at).
    return Q(publish_at__gt=since, publish_at__lte=until) | Q(updated_at__gt=since, publish_at__lte=until)


def _words_filter(words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= (Q(title_en__icontains=word) | Q(title_fr__icontains=word) | Q(summary_en__icontains=word)
                      | Q(summary_fr__icontains=word))
    return condition


def find_matches(query: str, *, lang: str, since: datetime, until: datetime, limit: int = 50) -> list[Match]:
    with translation.override(lang):  # links and labels in the reader's language
        return _find(query, lang=lang, since=since, until=until, limit=limit)


def _find(query: str, *, lang: str, since: datetime, until: datetime, limit: int) -> list[Match]:
    data = QueryDict(query)
    words = [w for w in data.get("q", "").split() if len(w) > 1][:8]
    kinds = [k for k in data.getlist("type") if k in KINDS] or list(KINDS)
    window = became_visible(since, until)
    found: list[Match] = []
    media_kinds = [k for k in kinds if k != "article"]
    if media_kinds:
        items = (Item.objects.visible(until).filter(window, kind__in=media_kinds).filter(_words_filter(words))
                 .prefetch_related("renditions").order_by("-publish_at")[:limit])
        found += [_item_match(item, lang) for item in items]
    if "article" in kinds:
        articles = (Article.objects.visible(until).filter(window).filter(_words_filter(words))
                    .order_by("-publish_at")[:limit])
        found += [_article_match(article, lang) for article in articles]
    found.sort(key=lambda m: m.published_at, reverse=True)
    return found[:limit]


def _item_match(item: Item, lang: str) -> Match:
    thumb = item.thumbnail
    return Match(f"item:{item.pk}", localized(item, "title", lang).text, absolute(item.get_absolute_url()),
                 absolute(thumb.preview_url()) if thumb else "", str(item.get_kind_display()), item.publish_at)


def _article_match(article: Article, lang: str) -> Match:
    return Match(f"article:{article.pk}", localized(article, "title", lang).text,
                 absolute(article.get_absolute_url()), "", str(article.get_type_display()), article.publish_at)


def describe(query: str) -> dict[str, Any]:
    data = QueryDict(query)
    return {"q": data.get("q", ""), "type": data.getlist("type")}
