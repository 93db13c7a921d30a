"""Published captions as files and as text for sidecars, whole or cut to a clip's in and out."""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext as _

from newsreel.captions import formats
from newsreel.captions.models import CueSet
from newsreel.captions.services import to_timed_text
from newsreel.captions.timing import FrameCue, convert, cut
from newsreel.catalogue.models import Item
from newsreel.media.timecode import TimecodeError

CONTENT_TYPES = {"srt": "application/x-subrip; charset=utf-8", "vtt": "text/vtt; charset=utf-8"}


class CutRefused(ValueError):
    """Clip points we cannot cut captions to, with a message for the user."""


def published_sets(item: Item) -> list[CueSet]:
    return list(item.cue_sets.published().select_related("item").order_by("language"))


def clip_frames(cue_set: CueSet, tc_in: str, tc_out: str) -> tuple[int, int]:
    """The clip's first frame and the frame after its last, as frames of the cue set (the clip tool's in and out
    are source timecodes: the item's start timecode plus the frame, as frame_range in downloads/clips.py reads
    them)."""
    try:
        start, end = cue_set.frame_of(tc_in), cue_set.frame_of(tc_out)
    except TimecodeError as exc:
        raise CutRefused(_("The in and out points must be timecodes: HH:MM:SS:FF.")) from exc
    if start < 0:
        raise CutRefused(_("The in point is before the start of the media."))
    if end <= start:
        raise CutRefused(_("The out point must come after the in point."))
    return start, end


def cues_of(cue_set: CueSet, clip: tuple[str, str] | None = None) -> list[FrameCue]:
    cues = cue_set.frame_cues()
    if clip is None:
        return cues
    return cut(cues, *clip_frames(cue_set, *clip))


def caption_file(cue_set: CueSet, kind: str, clip: tuple[str, str] | None = None) -> str:
    """The cue set as SubRip or WebVTT: times from the media's start, or from the clip's first frame."""
    return formats.write(kind, to_timed_text(cues_of(cue_set, clip), cue_set.frame_rate), language=cue_set.language)


def filename(cue_set: CueSet, kind: str, clip: tuple[str, str] | None = None) -> str:
    """V-2026-0001_en.srt, or with the clip's source timecodes as clip files are named."""
    span = ""
    if clip is not None:
        span = "_" + "_".join(tc.replace(":", "-").replace(";", "-") for tc in clip)
    return f"{cue_set.item.reference}{span}_{cue_set.language}.{kind}"


def transcript_lines(cue_set: CueSet, clip: tuple[str, str] | None = None) -> list[str]:
    """The cues as `in – out  text` lines in source timecode, for the metadata sidecar."""
    lines = []
    offset = clip_frames(cue_set, *clip)[0] if clip is not None else 0
    for cue in cues_of(cue_set, clip):
        text = " ".join(cue.text.split())
        lines.append(f"{cue_set.label(offset + cue.start)} – {cue_set.label(offset + cue.end)}  {text}")
    return lines


def clip_tracks(item: Item, start: int, end: int, rate: Fraction) -> list[dict[str, object]]:
    """Each published language's cues cut to the frames [start, end) of one of the item's video files (counted
    at `rate` from its first frame, as the cue sets are), from the clip's first frame: the plain data the clip
    engine makes its mov_text tracks of. A language with no cue in the clip has no track."""
    tracks: list[dict[str, object]] = []
    for cue_set in published_sets(item):
        cues = cue_set.frame_cues()
        if cue_set.frame_rate != rate:  # counted in another rate (milliseconds before ingest knew the video's)
            source = cue_set.frame_rate
            cues = [FrameCue(convert(c.start, source, rate), convert(c.end, source, rate), c.text) for c in cues]
        kept = cut(cues, start, end)
        if kept:
            tracks.append({"language": cue_set.language, "cues": [[c.start, c.end, c.text] for c in kept]})
    return tracks
