"""Plain-text companions of a download: an item's metadata, shotlist, credit and terms; a photo set's captions."""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string

from newsreel.accounts.models import TermsVersion
from newsreel.catalogue.models import Item, Kind, Role


def item_sidecar(item: Item, *, clip: tuple[str, str] | None = None) -> str:
    return render_to_string("downloads/sidecar.txt", {"item": item, "clip": clip, "dimensions": _dimensions(item),
                                                      "portal_terms": TermsVersion.current()})


def _dimensions(item: Item) -> str:
    """A photo's full size in pixels (its master, else its largest rendition); videos give theirs elsewhere."""
    if item.kind != Kind.PHOTO:
        return ""
    for role in (Role.MASTER, Role.PHOTO_LARGE):
        rendition = item.rendition(role)
        if rendition is not None and rendition.width and rendition.height:
            return f"{rendition.width} × {rendition.height} px"
    return ""


def photo_set_notes(items: Iterable[Item], files: dict[int, list[str]]) -> str:
    return render_to_string("downloads/photo_set.txt", {"entries": [(item, files.get(item.pk, [])) for item in items],
                                                        "portal_terms": TermsVersion.current()})
