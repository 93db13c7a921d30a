"""Captions follow their item: when its video's frame rate becomes known or changes (ingest, an editor), the
item's cue sets are counted in it. The catalogue knows nothing of captions; this app listens (architecture.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_save

from newsreel.captions.models import CueSet, item_rate
from newsreel.captions.services import cue_set_recount
from newsreel.catalogue.models import Item, Rendition
from newsreel.lib.changes import rows_updated


def _follow(item_ids: Iterable[int]) -> None:
    for cue_set in CueSet.objects.filter(item_id__in=list(item_ids)).select_related("item"):
        rate = item_rate(cue_set.item)
        if rate != cue_set.frame_rate:
            cue_set_recount(cue_set=cue_set, rate=rate)


def _item_saved(sender: Any, instance: Item, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _follow([instance.pk])


def _items_updated(sender: Any, ids: list[int], **kwargs: Any) -> None:
    _follow(ids)


def _rendition_saved(sender: Any, instance: Rendition, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.frame_rate:
        _follow([instance.item_id])


def connect() -> None:
    post_save.connect(_item_saved, sender=Item, dispatch_uid="captions-item-saved")
    rows_updated.connect(_items_updated, sender=Item, dispatch_uid="captions-items-updated")
    post_save.connect(_rendition_saved, sender=Rendition, dispatch_uid="captions-rendition-saved")
