from __future__ import annotations

from django import template

from newsreel.captions.export import published_sets
from newsreel.captions.models import CueSet
from newsreel.catalogue.models import Item

register = template.Library()


@register.simple_tag
def published_captions(item: Item) -> list[CueSet]:
    """The item's caption sets that users may see (published), by language."""
    return published_sets(item)
