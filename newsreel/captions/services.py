"""Writes to caption sets: import a file, split, merge, shift, publish. Keyword-only, each one transaction.

The writes of several rows are units of work (lib/units.py): whoever follows captions (the search index)
hears every row change and does its work once, at the end, with the cues as they are then."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from newsreel.captions import formats
from newsreel.captions.models import MAX_CUE_TEXT, CaptionStatus, Cue, CueSet, item_rate
from newsreel.captions.timing import FrameCue, convert, to_frame, to_seconds
from newsreel.catalogue.models import Item
from newsreel.lib.units import unit_of_work


class CaptionEditError(ValueError):
    """An edit we refuse, with a message for the editor."""


def parse_upload(data: bytes, name: str) -> list[formats.TimedText]:
    _kind, cues = formats.parse(data, name=name, max_bytes=settings.NEWSREEL_CAPTION_MAX_BYTES,
                                max_cues=settings.NEWSREEL_CAPTION_MAX_CUES)
    for cue in cues:
        if len(cue.text) > MAX_CUE_TEXT:
            raise formats.CaptionFileError(
                _("The cue at %(time)s has more than %(n)d characters: a caption is a line or two.")
                % {"time": formats.clock(cue.start), "n": MAX_CUE_TEXT})
    return cues


def to_frame_cues(cues: Sequence[formats.TimedText], rate: Fraction) -> list[FrameCue]:
    """Times in seconds as frames; a cue shorter than a frame keeps one frame, so no cue disappears."""
    frame_cues = []
    for cue in cues:
        start = to_frame(cue.start, rate)
        frame_cues.append(FrameCue(start, max(start + 1, to_frame(cue.end, rate)), cue.text))
    return frame_cues


def to_timed_text(cues: Sequence[FrameCue], rate: Fraction) -> list[formats.TimedText]:
    return [formats.TimedText(to_seconds(cue.start, rate), to_seconds(cue.end, rate), cue.text) for cue in cues]


@unit_of_work()
def cue_set_replace(*, item: Item, language: str, cues: Sequence[formats.TimedText], source: str,
                    source_file: str = "", status: str | None = None) -> CueSet:
    """Write the item's cue set in a language anew from timed text (an upload or a recognition draft)."""
    cue_set, _created = CueSet.objects.select_for_update().get_or_create(item=item, language=language)
    rate = item_rate(item)
    cue_set.rate = rate_text(rate)
    cue_set.source, cue_set.source_file = source, source_file[:200]
    if status is not None:
        cue_set.status = status
    cue_set.save()
    cue_set.cues.all().delete()
    # Texts are within MAX_CUE_TEXT (parse_upload checks files; recognition groups words into short cues).
    Cue.objects.bulk_create([Cue(cue_set=cue_set, start=cue.start, end=cue.end, text=cue.text[:MAX_CUE_TEXT])
                             for cue in to_frame_cues(cues, rate)])
    return cue_set


def _edited(cue_set: CueSet) -> None:
    # An uploaded file or a machine draft changed by hand is the editor's from now on.
    cue_set.source = "edited"
    cue_set.save(update_fields=["source", "updated_at"])


@unit_of_work()
def cue_split(*, cue: Cue, at: int | None = None) -> tuple[Cue, Cue]:
    """Split a cue at a frame (its middle by default); its words are shared in proportion to the time."""
    at = (cue.start + cue.end) // 2 if at is None else at
    if not cue.start < at < cue.end:
        raise CaptionEditError(_("A cue of one frame cannot be split."))
    words = cue.text.split()
    cut = max(1, min(len(words) - 1, round(len(words) * (at - cue.start) / (cue.end - cue.start))))
    first_text, second_text = (" ".join(words[:cut]), " ".join(words[cut:])) if len(words) > 1 else (cue.text, "…")
    second = Cue.objects.create(cue_set=cue.cue_set, start=at, end=cue.end, text=second_text)
    cue.end, cue.text = at, first_text
    cue.save(update_fields=["end", "text"])
    _edited(cue.cue_set)
    return cue, second


@unit_of_work()
def cues_merge(*, cues: Sequence[Cue]) -> Cue:
    """Merge cues of one set into the first: from the earliest in to the latest out, texts joined in order."""
    ordered = sorted(cues, key=lambda cue: (cue.start, cue.end, cue.pk))
    if len(ordered) < 2 or len({cue.cue_set_id for cue in ordered}) != 1:
        raise CaptionEditError(_("Choose two or more cues of the same caption set to merge."))
    text = " ".join(cue.text.strip() for cue in ordered)
    if len(text) > MAX_CUE_TEXT:
        raise CaptionEditError(_("Merged, these cues would be longer than %(n)d characters.") % {"n": MAX_CUE_TEXT})
    first = ordered[0]
    first.end = max(cue.end for cue in ordered)
    first.text = text
    first.save(update_fields=["end", "text"])
    Cue.objects.filter(pk__in=[cue.pk for cue in ordered[1:]]).delete()
    _edited(first.cue_set)
    return first


@unit_of_work()
def cues_shift(*, cue_set: CueSet, frames: int, cues: Sequence[Cue] | None = None) -> int:
    """Move cues (all of the set by default) by a signed number of frames; none may go before the start."""
    chosen = list(cue_set.cues.all()) if cues is None else [cue for cue in cues if cue.cue_set_id == cue_set.pk]
    if not chosen or frames == 0:
        return 0
    if min(cue.start for cue in chosen) + frames < 0:
        raise CaptionEditError(_("This shift would move a cue before the start of the media."))
    if max(cue.end for cue in chosen) + frames > formats.MAX_SECONDS * cue_set.frame_rate:
        raise CaptionEditError(_("This shift would move a cue past 24 hours."))
    for cue in chosen:
        cue.start += frames
        cue.end += frames
    Cue.objects.bulk_update(chosen, ["start", "end"])
    _edited(cue_set)
    return len(chosen)


def cue_set_publish(*, cue_set: CueSet, published: bool) -> None:
    """An editor's decision: the only way a cue set becomes visible (a machine draft never publishes itself)."""
    cue_set.status = CaptionStatus.PUBLISHED if published else CaptionStatus.DRAFT
    cue_set.save(update_fields=["status", "updated_at"])


@transaction.atomic
def cue_set_recount(*, cue_set: CueSet, rate: Fraction) -> None:
    """Count a set's cues in another rate (each to the nearest frame, none shorter than one): captions uploaded
    before the master was processed count in milliseconds, and follow the video's rate once it is known."""
    old = cue_set.frame_rate
    if rate == old:
        return
    cues = list(cue_set.cues.select_for_update())
    for cue in cues:
        cue.start = convert(cue.start, old, rate)
        cue.end = max(cue.start + 1, convert(cue.end, old, rate))
    Cue.objects.bulk_update(cues, ["start", "end"], batch_size=1000)
    cue_set.rate = rate_text(rate)
    cue_set.save(update_fields=["rate", "updated_at"])


def rate_text(rate: Fraction) -> str:
    return f"{rate.numerator}/{rate.denominator}" if rate.denominator != 1 else str(rate.numerator)
