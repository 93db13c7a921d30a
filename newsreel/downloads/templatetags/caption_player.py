"""The captions beside the player: WebVTT tracks, a language choice and the interactive transcript."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import get_language

from newsreel.captions.export import published_sets
from newsreel.captions.models import CueSet
from newsreel.catalogue.models import Item
from newsreel.downloads.access import may_preview, player_preview

register = template.Library()


@register.inclusion_tag("downloads/caption_player.html", takes_context=True)
def caption_player(context: template.Context, item: Item) -> dict[str, Any]:
    """Shown to whoever may play the item's preview; nothing for an item without published captions."""
    preview = player_preview(item)
    request = context.get("request")
    user = getattr(request, "user", None)
    if preview is None or user is None or not may_preview(user, preview):
        return {"sets": []}
    sets = published_sets(item)
    reader = (get_language() or "en")[:2]
    sets.sort(key=lambda cue_set: cue_set.language != reader)  # the reader's language first, if there is one
    return {"sets": [_transcript(cue_set) for cue_set in sets], "video": item.kind == "video"}


def _transcript(cue_set: CueSet) -> dict[str, Any]:
    rate = cue_set.frame_rate
    cues = [{"in": cue_set.label(cue.start), "out": cue_set.label(cue.end), "text": cue.text,
             # Seconds to seek to: the middle of the cue's first frame, as the player seeks to frames.
             "seek": f"{(cue.start + 0.5) / float(rate):.4f}", "start": f"{cue.start / float(rate):.4f}",
             "end": f"{cue.end / float(rate):.4f}"} for cue in cue_set.cues.all()]
    return {"language": cue_set.language, "name": cue_set.language_name, "cues": cues,
            "track": reverse("downloads:captions_track", args=[cue_set.item.reference, cue_set.language])}
