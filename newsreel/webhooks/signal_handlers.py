"""Webhooks follow the content as search does: by their own receivers, content knows nothing of them.

- A save that makes something public (created published, or its status changed to published or scheduled)
  is recorded as an `Appearance`, in the content's transaction: the scan needs it to tell a publication from an
  edit (scanning.py).
- A save of something visible asks for a scan once the transaction commits (the search index row is written
  in the same transaction, and the scan asks search).
- An embargo that passes is no event: the periodic tick (`newsreel webhooks_tick`, every minute) finds it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save, pre_save

from newsreel.catalogue.models import Item
from newsreel.lib.changes import rows_updated
from newsreel.news.models import Article
from newsreel.publishing import Status
from newsreel.webhooks.models import Appearance, Endpoint

PUBLIC = (Status.PUBLISHED, Status.SCHEDULED)
APPEARS = "_webhooks_appears"


def any_active_endpoint() -> bool:
    return Endpoint.objects.filter(active=True).exists()


def key_of(instance: Item | Article) -> str:
    return f"{'item' if isinstance(instance, Item) else 'article'}:{instance.pk}"


def _before_save(sender: Any, instance: Item | Article, raw: bool = False,
                 update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    if raw or instance.status not in PUBLIC or (update_fields is not None and "status" not in update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values_list("status", flat=True).first() if instance.pk else None
    setattr(instance, APPEARS, before not in PUBLIC)


def _saved(sender: Any, instance: Item | Article, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if getattr(instance, APPEARS, False):
        setattr(instance, APPEARS, False)
        Appearance.objects.create(key=key_of(instance))
    if instance.is_visible() and any_active_endpoint():
        from newsreel.webhooks.scanning import request_scan

        transaction.on_commit(request_scan)


def _rows_updated(sender: Any, **kwargs: Any) -> None:
    if any_active_endpoint():
        from newsreel.webhooks.scanning import request_scan

        transaction.on_commit(request_scan)


def connect() -> None:
    for model in (Item, Article):
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"webhooks-{model.__name__}-before")
        post_save.connect(_saved, sender=model, dispatch_uid=f"webhooks-{model.__name__}-saved")
        rows_updated.connect(_rows_updated, sender=model, dispatch_uid=f"webhooks-{model.__name__}-rows")
