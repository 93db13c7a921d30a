"""Plain-text companions of a download: an item's metadata, shotlist, credit and terms, its published captions;
a photo set's captions."""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string

from newsreel.accounts.models import TermsVersion
from newsreel.captions.export import published_sets, transcript_lines
from newsreel.catalogue.models import Item, Kind, Role


def item_sidecar(item: Item, *, clip: tuple[str, str] | None = None) -> str:
    """The item's sidecar; for a clip (its in and out source timecodes), with the captions of that clip only.

    Raises CutRefused for clip points that are not timecodes or not in order."""
    return render_to_string("downloads/sidecar.txt", {"item": item, "clip": clip, "dimensions": _dimensions(item),
                                                      "captions": _captions(item, clip),
                                                      "portal_terms": TermsVersion.current()})


def _captions(item: Item, clip: tuple[str, str] | None) -> list[tuple[str, list[str]]]:
    """(language, lines) of each published caption set, cut to the clip when there is one."""
    return [(cue_set.language_name, transcript_lines(cue_set, clip)) for cue_set in published_sets(item)]


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

