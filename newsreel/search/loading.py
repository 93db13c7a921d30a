"""The hits' objects, loaded by hand: what select_related("event") and prefetch_related("renditions", "shots")
would give, without building the ORM's SQL (which cost more than running it).

This is the one module that leans on the ORM's private parts: Model.from_db, the fields' db converters,
_state.fields_cache, _prefetched_objects_cache and QuerySet._result_cache / _clone. tests/search/test_loading.py
checks each against the ORM's own loading, so a Django upgrade that changes them fails there, loudly.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet

from newsreel.catalogue.models import Event, Item, Rendition, ShotlistLine
from newsreel.news.models import Article
from newsreel.search.pages import Hit


def load_hits(rows: list[tuple[Any, ...]]) -> list[Hit]:
    """Rows of (kind 'i' or 'a', item or article id, score) -> hits with their objects, in the same order.

    The objects are what the ORM would load with select_related("event") and prefetch_related("renditions",
    "shots") (the card's thumbnail, the snippets' shot match), read by plain statements: building the ORM's SQL
    for those five queries cost more than running them."""
    item_ids = [target for kind, target, _score in rows if kind == "i"]
    article_ids = [target for kind, target, _score in rows if kind == "a"]
    items = {obj.pk: obj for obj in _instances(Item, "id", item_ids)}
    articles = {obj.pk: obj for obj in _instances(Article, "id", article_ids)}
    loaded = [*items.values(), *articles.values()]
    events = {obj.pk: obj for obj in _instances(Event, "id", list({o.event_id for o in loaded if o.event_id}))}
    for obj in loaded:
        if obj.event_id is not None:
            obj._state.fields_cache["event"] = events.get(obj.event_id)
    for name, model, order in (("renditions", Rendition, ("item_id", "role", "id")),
                               ("shots", ShotlistLine, ("item_id", "position", "id"))):
        _attach(items, name, model, _instances(model, "item_id", list(items), order=order))
    hits = []
    for kind, target, score in rows:
        obj = items.get(target) if kind == "i" else articles.get(target)
        if obj is not None:
            hits.append(Hit(kind=getattr(obj, "kind", "article"), obj=obj, score=int(score or 0)))
    return hits


@cache
def _select(model: type[Model], vendor: str) -> tuple[str, list[str], list[tuple[int, list[Any], Any]]]:
    """SELECT of all of a model's columns, and the converters (by position) the ORM would apply to them."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    converters = []
    for position, model_field in enumerate(model._meta.concrete_fields):
        col = model_field.get_col(table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((position, found, col))
    fields = model._meta.concrete_fields
    columns = ", ".join(f"{quote(table)}.{quote(str(f.column))}" for f in fields)
    return f"SELECT {columns} FROM {quote(table)}", [f.attname for f in fields], converters  # noqa: S608 - names from the models


def _instances(model: type[Model], column: str, values: list[int], *,
               order: tuple[str, ...] = ()) -> list[Any]:
    """The `model` rows whose `column` is in `values`, as the ORM would build them (all fields loaded)."""
    if not values:
        return []
    select, names, converters = _select(model, connection.vendor)
    quote = connection.ops.quote_name
    sql = f"{select} WHERE {quote(column)} IN ({', '.join(['%s'] * len(values))})"
    if order:
        sql += " ORDER BY " + ", ".join(quote(name) for name in order)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        if converters:
            row = list(row)
            for position, functions, col in converters:
                for function in functions:
                    row[position] = function(row[position], col, connection)
        out.append(model.from_db(connection.alias, names, row))
    return out


class _Loaded(QuerySet[Any]):
    """One item's related rows, already read, as prefetch_related leaves them: iterating, counting or indexing
    reads no database; a query made from it (filter, order_by...) is a real one, limited to the item."""

    item_id: int = 0

    def _clone(self) -> Any:
        return self.model._default_manager.filter(item_id=self.item_id)._clone()


def _attach(items: dict[int, Item], name: str, model: type[Model], related: list[Any]) -> None:
    """Give each item its `name` objects as prefetch_related would: item.<name>.all() reads no database."""
    found: dict[int, list[Any]] = {pk: [] for pk in items}
    for obj in related:
        found[obj.item_id].append(obj)
        obj._state.fields_cache["item"] = items[obj.item_id]
    for pk, item in items.items():
        cached = _Loaded(model)
        cached._result_cache, cached.item_id = found[pk], pk
        item.__dict__.setdefault("_prefetched_objects_cache", {})[name] = cached
