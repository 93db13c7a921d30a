"""The JSON a receiver gets: what happened, to what, with both languages' titles and the page and API addresses.

The body is made once, when the delivery is made, and every attempt sends the same bytes: a receiver that
got it twice (at-least-once) sees the same delivery id and the same content.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.utils import translation

from newsreel.catalogue.models import Item
from newsreel.news.models import Article
from newsreel.newsletter.mail import absolute

ITEM_PUBLISHED = "item.published"
ARTICLE_PUBLISHED = "article.published"
PING = "ping"  # sent on the owner's request, to test a receiver
API_ROOT = "/api/v1"


def _pages(obj: Item | Article) -> dict[str, str]:
    urls = {}
    for lang in ("en", "fr"):
        with translation.override(lang):
            urls[lang] = absolute(obj.get_absolute_url())
    return urls


def item_data(item: Item) -> dict[str, Any]:
    return {"type": "item", "id": item.pk, "code": item.reference, "kind": item.kind,
            "title": {"en": item.title_en, "fr": item.title_fr}, "url": _pages(item),
            "api_url": absolute(f"{API_ROOT}/items/{item.reference}"), "published_at": _iso(item.publish_at)}


def article_data(article: Article) -> dict[str, Any]:
    return {"type": "article", "id": article.pk, "code": article.slug, "kind": article.type,
            "title": {"en": article.title_en, "fr": article.title_fr}, "url": _pages(article),
            "api_url": absolute(f"{API_ROOT}/articles/{article.slug}"), "published_at": _iso(article.publish_at)}


def body(*, delivery_id: str, event: str, created: datetime, data: dict[str, Any]) -> str:
    return json.dumps({"id": delivery_id, "event": event, "created_at": _iso(created), "data": data},
                      ensure_ascii=False, separators=(",", ":"))


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


