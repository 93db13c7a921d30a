"""Turn raw facet counts (ids, codes) into what a page shows and links to (labels, slugs)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from newsreel.catalogue.models import Event, Kind, Person, Tag
from newsreel.search.params import SearchParams


def kind_labels() -> dict[str, str]:
    return {**{value: str(label) for value, label in Kind.choices}, "article": _("Article")}


def _by_id(model: type[Any], values: list[Any], label: Any) -> dict[str, tuple[str, str]]:
    ids = [int(v.value) for v in values if v.value.isdigit()]
    return {str(obj.pk): (obj.slug, label(obj)) for obj in model.objects.filter(pk__in=ids)}


def _top(values: list[Any], limit: int) -> list[Any]:
    """Most frequent first; ties by value (numeric ids as numbers) so both backends show the same list."""
    return sorted(values, key=lambda v: (-v.count, int(v.value) if v.value.isdigit() else 0, v.value))[:limit]


def label_facets(found: dict[str, list[Any]], params: SearchParams, *, limit: int) -> dict[str, list[Any]]:
    """Label the top `limit` values of each facet (only those: an event facet may have thousands)."""
    found = {name: _top(values, limit) for name, values in found.items()}
    out: dict[str, list[Any]] = {}
    kinds = kind_labels()
    for value in found.get("type", []):
        value.label, value.selected = kinds.get(value.value, value.value), value.value in params.type
    for name, model, label, chosen in (
        ("event", Event, lambda e: str(e.title), (params.event,)),
        ("tag", Tag, lambda t: str(t.name), params.tag),
        ("person", Person, lambda p: p.name, params.person),
    ):
        values = found.get(name, [])
        names = _by_id(model, values, label)
        for value in values:
            value.value, value.label = names.get(value.value, (value.value, value.value))
            value.selected = value.value in chosen
    for value in found.get("location", []):
        value.selected = value.value == params.location
    for value in found.get("shotlist", []):
        value.label, value.selected = _("With shotlist"), params.shotlist
    for value in found.get("lang", []):
        value.label = {"en": pgettext("content language", "English"),
                       "fr": pgettext("content language", "French")}[value.value]
        value.selected = value.value == params.lang
    for name in ("type", "event", "tag", "person", "location", "shotlist", "lang"):
        if found.get(name):
            out[name] = found[name]
    return out
