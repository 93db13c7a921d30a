"""Turn raw facet counts (ids, codes) into what a page shows and links to (labels, slugs)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from newsreel.catalogue.models import Event, Item, Kind, Person, Tag
from newsreel.search.params import SearchParams


def kind_labels() -> dict[str, str]:
    return {**{value: str(label) for value, label in Kind.choices}, "article": _("Article")}


_LABELLED: dict[str, tuple[type[Any], tuple[str, str, str]]] = {
    # facet -> model and its slug and label columns, read as they are stored; the label functions localise them.
    "event": (Event, ("slug", "title_en", "title_fr")),
    "tag": (Tag, ("slug", "name_en", "name_fr")),
    "person": (Person, ("slug", "name", "slug")),  # slug twice: each part of the union reads three
}


def _names(found: dict[str, list[Any]]) -> dict[str, dict[str, Any]]:
    """The shown events, tags and people as (unsaved) instances with only their slug and names, by facet name and
    id: one query for all three, where the ORM would compile one each (most of a label's cost)."""
    parts: list[str] = []
    args: list[Any] = []
    for name, (model, columns) in _LABELLED.items():
        ids = [int(v.value) for v in found.get(name, []) if v.value.isdigit()]
        if ids:
            parts.append(f"SELECT %s, id, {', '.join(columns)} FROM {model._meta.db_table} "  # noqa: S608 - fixed names; ids are parameters
                         f"WHERE id IN ({', '.join(['%s'] * len(ids))})")
            args += [name, *ids]
    out: dict[str, dict[str, Any]] = {name: {} for name in _LABELLED}
    if not parts:
        return out
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), args)
        for name, pk, *values in cursor.fetchall():
            model, columns = _LABELLED[name]
            out[name][str(pk)] = model(pk=pk, **dict(zip(columns, values, strict=True)))
    return out


def facet_order(entry: tuple[str, int]) -> tuple[int, int, str]:
    """A (value, count) pair's place: most frequent first; ties by value (numeric ids as numbers) so both
    backends show the same list."""
    value, count = entry
    return -count, int(value) if value.isdigit() else 0, value


def _label_plain(found: dict[str, list[Any]], params: SearchParams) -> None:
    """The facets whose values need no lookup of their own: the place, the yes/no filters, the language."""
    places = found.get("location", [])
    names = _french_place_names([value.value for value in places]) if get_language() == "fr" else {}
    for value in places:
        value.label = names.get(value.value, value.value)
        value.selected = value.value == params.location
    for name, label in (("shotlist", _("With shotlist")), ("captions", _("With captions"))):
        for value in found.get(name, []):  # a yes/no filter: its one value
            value.label, value.selected = label, getattr(params, name)
    for value in found.get("lang", []):
        value.label = {"en": pgettext("content language", "English"),
                       "fr": pgettext("content language", "French")}[value.value]
        value.selected = value.value == params.lang


def _french_place_names(places: list[str]) -> dict[str, str]:
    """The index keeps a place by its English name (the filter's value); French pages show an item's French name."""
    if not places:
        return {}
    return dict(Item.objects.filter(location_en__in=places).exclude(location_fr="")
                .values_list("location_en", "location_fr").order_by("location_en", "pk"))


def label_facets(found: dict[str, list[Any]], params: SearchParams) -> dict[str, list[Any]]:
    """Label the values of each facet, which the engine has cut to those a page shows, in `facet_order`."""
    out: dict[str, list[Any]] = {}
    kinds = kind_labels()
    for value in found.get("type", []):
        value.label, value.selected = kinds.get(value.value, value.value), value.value in params.type
    objects = _names(found)
    for name, label, chosen in (
        ("event", lambda e: str(e.title), (params.event,)),
        ("tag", lambda t: str(t.name), params.tag),
        ("person", lambda p: p.name, params.person),
    ):
        values = found.get(name, [])
        for value in values:
            obj = objects[name].get(value.value)
            if obj is not None:
                value.value, value.label = obj.slug, label(obj)
            value.selected = value.value in chosen
    _label_plain(found, params)
    for name in ("type", "event", "tag", "person", "location", "shotlist", "captions", "lang"):
        if found.get(name):
            out[name] = found[name]
    return out
