"""Keep item rows right when tags or people are linked or unlinked, whichever way and by whatever code.

`item.tags.add(...)`, `.set()`, `.remove()`, `.clear()` and their reverse (`tag.items.add(item)`) write the
through table directly: no Item.save() runs, so the explicit index call that saves make cannot happen. Django
reports those writes only through `m2m_changed`, sent inside the same transaction as the write, so the row is
rewritten before it commits. This is index upkeep of the kind the SQLite triggers do for the full-text table,
not business logic: the handler only re-derives the item's search row from what is now stored.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed

from newsreel.catalogue.models import Item


def _changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None,
             **kwargs: Any) -> None:
    from newsreel.search.indexing import index_item, index_item_ids

    if reverse and action == "pre_clear":
        # tag.items.clear(): the items are only known before the links go.
        instance._search_cleared_items = list(instance.items.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        index_item(instance)
    elif action == "post_clear":
        index_item_ids(instance.__dict__.pop("_search_cleared_items", []))
    else:
        index_item_ids(pk_set or ())


def connect() -> None:
    for through in (Item.tags.through, Item.people.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"search-index-{through._meta.label}")
