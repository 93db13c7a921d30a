"""Webhooks follow the content as search does: by their own receivers, content knows nothing of them.

A save of something visible asks for a scan once the transaction commits (the search index row is written
in the same transaction, and the scan asks search). An embargo that passes is no event: the periodic tick
(`newsreel webhooks_tick`, every minute) finds it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from newsreel.catalogue.models import Item
from newsreel.lib.changes import rows_updated
from newsreel.news.models import Article
from newsreel.webhooks.models import Endpoint


def any_active_endpoint() -> bool:
    return Endpoint.objects.filter(active=True).exists()


def _saved(sender: Any, instance: Item | Article, **kwargs: Any) -> None:
    if instance.is_visible() and any_active_endpoint():
        from newsreel.webhooks.scanning import request_scan

        transaction.on_commit(request_scan)


def _rows_updated(sender: Any, **kwargs: Any) -> None:
    if any_active_endpoint():
        from newsreel.webhooks.scanning import request_scan

        transaction.on_commit(request_scan)


def connect() -> None:
    for model in (Item, Article):
        post_save.connect(_saved, sender=model, dispatch_uid=f"webhooks-{model.__name__}-saved")
        rows_updated.connect(_rows_updated, sender=model, dispatch_uid=f"webhooks-{model.__name__}-rows")
