"""Published captions as search sees them: the text it indexes and the cue a hit shows, from one reading.

Only published cue sets count (drafts are never shown to users, so they are not found either). A transcript
can be hours long; the index takes from each published set its first `MAX_CUES` cues and at most `MAX_WORDS`
words, whichever ends first (about twenty minutes of speech), so a document's row stays bounded whatever is
uploaded. A hit's cue is looked for in the same cues, so what a search finds is what it can show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from newsreel.captions.models import MILLISECONDS, Cue, CueSet
from newsreel.catalogue.models import Kind
from newsreel.catalogue.timelinks import clock

MAX_CUES = 500
MAX_WORDS = 4000


@dataclass(frozen=True)
class CaptionLine:
    """One published cue: its text, its times as the player shows them, and the moment a link opens at."""

    language: str
    tc_in: str
    tc_out: str
    moment: str  # the `?t=` value of the item page (catalogue/timelinks.py)
    text: str


def _times(cue_set: CueSet, start: int, end: int) -> tuple[str, str, str]:
    """(tc_in, tc_out, moment): the source timecode as the shotlist writes it, and links to it the same way.
    A set counted in milliseconds (audio, or video captioned before its frame rate was known) has no frames:
    its times are clock times, and its link names seconds (the form both players read)."""
    if cue_set.frame_rate != MILLISECONDS:
        tc_in = cue_set.label(start)
        return tc_in, cue_set.label(end), tc_in
    tc_in, tc_out = clock(Fraction(start, 1000)), clock(Fraction(end, 1000))
    moment = tc_in if cue_set.item.kind == Kind.AUDIO else f"{start / 1000:.3f}"
    return tc_in, tc_out, moment


def published_lines(item_ids: Iterable[int]) -> dict[int, list[CaptionLine]]:
    """The indexed cues of these items' published sets, by item id, each set in time order (languages in
    code order). One query for the sets and one for at most MAX_CUES cues of each."""
    sets = {s.pk: s for s in CueSet.objects.published().filter(item_id__in=list(item_ids)).select_related("item")}
    out: dict[int, list[CaptionLine]] = defaultdict(list)
    if not sets:
        return out
    cues = (Cue.objects.filter(cue_set_id__in=list(sets))
            .annotate(place=Window(RowNumber(), partition_by=[F("cue_set_id")],
                                   order_by=[F("start").asc(), F("end").asc(), F("id").asc()]))
            .filter(place__lte=MAX_CUES).order_by("cue_set_id", "place")
            .values_list("cue_set_id", "start", "end", "text"))
    words: dict[int, int] = defaultdict(int)
    for set_id, start, end, text in cues:
        words[set_id] += len(text.split())
        if words[set_id] - len(text.split()) >= MAX_WORDS:
            continue  # this set's budget is spent: its later cues are neither indexed nor shown
        cue_set = sets[set_id]
        out[cue_set.item_id].append(CaptionLine(cue_set.language, *_times(cue_set, start, end), text))
    for lines in out.values():
        lines.sort(key=lambda line: line.language)  # stable: each language keeps its time order
    return out
