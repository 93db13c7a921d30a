"""Test data built in code."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from newsreel.catalogue.models import Event, Item, Kind
from newsreel.news.models import Article, ArticleType
from newsreel.publishing import Status

_seq = itertools.count(1)


def make_event(**fields: Any) -> Event:
    n = next(_seq)
    defaults: dict[str, Any] = {"slug": f"event-{n}", "title_en": f"Event {n}", "title_fr": f"Événement {n}"}
    return Event.objects.create(**{**defaults, **fields})


def make_item(**fields: Any) -> Item:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "kind": Kind.VIDEO, "title_en": f"Item {n}", "title_fr": f"Élément {n}", "status": Status.PUBLISHED,
        "publish_at": timezone.now() - dt.timedelta(hours=1), "credit": "© Test", "frame_rate": "25",
    }
    return Item.objects.create(**{**defaults, **fields})


def make_article(**fields: Any) -> Article:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "slug": f"article-{n}", "type": ArticleType.NEWS, "title_en": f"Article {n}", "title_fr": f"Article FR {n}",
        "body_en": "<p>Body</p>", "body_fr": "<p>Corps</p>", "status": Status.PUBLISHED,
        "publish_at": timezone.now() - dt.timedelta(hours=1),
    }
    return Article.objects.create(**{**defaults, **fields})
