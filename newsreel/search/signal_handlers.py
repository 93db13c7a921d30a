"""The search index follows the content: search listens to the content apps, which know nothing of it.

Every way an item's or an article's row can go stale is heard here, as Wagtail's search app does it:
saves (`post_save`), deletions of shotlist lines, events, tags and people (`pre_delete`/`post_delete`), links
made or broken from either side (`m2m_changed`, which `item.tags.add()` and `tag.items.clear()` send instead of
any save) and bulk edits (`rows_updated`, sent by `QuerySet.update()`, hence `bulk_update()`, of items and
articles), and the published captions of an item: saves and deletions of its cue sets and their cues. Each of
these signals is sent inside the transaction of the write (see newsreel/lib/changes.py), so
the index row commits or rolls back with the content.

Receivers only name the rows to rewrite and hand them to `collect()` (newsreel/lib/units.py): written at once,
or, inside a unit of work (an admin change form), once per item at the end of the unit however many of its
shotlist lines, tags and people changed. Each rewrite re-derives the row from what is stored by then.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from newsreel.captions.models import CaptionStatus, Cue, CueSet
from newsreel.catalogue.models import Event, Item, Person, ShotlistLine, Tag
from newsreel.lib.changes import rows_updated
from newsreel.lib.units import collect
from newsreel.news.models import Article
from newsreel.search.indexing import index_article_ids, index_item_ids

_LINKED = "_search_linked"  # ids an event, tag or person was part of, noted before it goes


def reindex_items(ids: Iterable[int]) -> None:
    collect("search.items", ids, index_item_ids)


def reindex_articles(ids: Iterable[int]) -> None:
    collect("search.articles", ids, index_article_ids)


def _item_saved(sender: Any, instance: Item, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # loaddata writes rows as they are; `newsreel reindex` follows a restore
        reindex_items([instance.pk])


def _article_saved(sender: Any, instance: Article, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        reindex_articles([instance.pk])


def _shot_changed(sender: Any, instance: ShotlistLine, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        reindex_items([instance.item_id])


def _shot_deleted(sender: Any, instance: ShotlistLine, origin: Any = None, **kwargs: Any) -> None:
    # When the item itself is deleted its lines go first: rewriting its row then would bring it back.
    if _deleting(origin, ShotlistLine):
        reindex_items([instance.item_id])


def _cue_sets_changed(ids: set[int]) -> None:
    # Cues of a draft set are in no row: editing them costs nothing here.
    index_item_ids(CueSet.objects.filter(pk__in=ids, status=CaptionStatus.PUBLISHED).values_list("item_id", flat=True))


def _cue_set_saved(sender: Any, instance: CueSet, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # published or unpublished, its row changes either way
        reindex_items([instance.item_id])


def _deleting(origin: Any, model: type[Model]) -> bool:
    return isinstance(origin, model) or (isinstance(origin, QuerySet) and origin.model is model)


def _cue_set_deleted(sender: Any, instance: CueSet, origin: Any = None, **kwargs: Any) -> None:
    if _deleting(origin, CueSet):  # not when its item goes (see _shot_deleted)
        reindex_items([instance.item_id])


def _cue_changed(sender: Any, instance: Cue, raw: bool = False, origin: Any = None, **kwargs: Any) -> None:
    # Saved, or deleted on its own (not with its set or item: those are heard above).
    if not raw and (origin is None or _deleting(origin, Cue)):
        collect("search.cue_sets", [instance.cue_set_id], _cue_sets_changed)


def _linked(instance: Model) -> tuple[list[int], list[int]]:
    """The items (and, for an event, articles) whose rows hold this event's, tag's or person's name."""
    if isinstance(instance, Event):
        return (list(Item.objects.filter(event=instance).values_list("pk", flat=True)),
                list(Article.objects.filter(event=instance).values_list("pk", flat=True)))
    return list(instance.items.values_list("pk", flat=True)), []  # type: ignore[attr-defined]


def _named_saved(sender: Any, instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        items, articles = _linked(instance)
        reindex_items(items)
        reindex_articles(articles)


def _named_deleting(sender: Any, instance: Model, **kwargs: Any) -> None:
    # Links go with the row (cascade, SET NULL) before post_delete: read them now.
    setattr(instance, _LINKED, _linked(instance))


def _named_deleted(sender: Any, instance: Model, **kwargs: Any) -> None:
    items, articles = instance.__dict__.pop(_LINKED, ([], []))
    reindex_items(items)
    reindex_articles(articles)


def _links_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None,
                   **kwargs: Any) -> None:
    if reverse and action == "pre_clear":
        # tag.items.clear(): the items are only known before the links go.
        instance._search_cleared_items = list(instance.items.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        reindex_items([instance.pk])
    elif action == "post_clear":
        reindex_items(instance.__dict__.pop("_search_cleared_items", []))
    else:
        reindex_items(pk_set or ())


def _rows_updated(sender: Any, ids: list[int], **kwargs: Any) -> None:
    if sender is Item:
        reindex_items(ids)
    elif sender is Article:
        reindex_articles(ids)


def connect() -> None:
    def uid(name: str, model: type[Model]) -> str:
        return f"search-index-{name}-{model._meta.label}"

    post_save.connect(_item_saved, sender=Item, dispatch_uid=uid("save", Item))
    post_save.connect(_article_saved, sender=Article, dispatch_uid=uid("save", Article))
    post_save.connect(_shot_changed, sender=ShotlistLine, dispatch_uid=uid("save", ShotlistLine))
    post_delete.connect(_shot_deleted, sender=ShotlistLine, dispatch_uid=uid("delete", ShotlistLine))
    post_save.connect(_cue_set_saved, sender=CueSet, dispatch_uid=uid("save", CueSet))
    post_delete.connect(_cue_set_deleted, sender=CueSet, dispatch_uid=uid("delete", CueSet))
    post_save.connect(_cue_changed, sender=Cue, dispatch_uid=uid("save", Cue))
    post_delete.connect(_cue_changed, sender=Cue, dispatch_uid=uid("delete", Cue))
    for model in (Event, Tag, Person):
        post_save.connect(_named_saved, sender=model, dispatch_uid=uid("save", model))
        pre_delete.connect(_named_deleting, sender=model, dispatch_uid=uid("deleting", model))
        post_delete.connect(_named_deleted, sender=model, dispatch_uid=uid("delete", model))
    for through in (Item.tags.through, Item.people.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=uid("links", through))
    for updated in (Item, Article):
        rows_updated.connect(_rows_updated, sender=updated, dispatch_uid=uid("update", updated))
