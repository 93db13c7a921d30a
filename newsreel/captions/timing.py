"""Cue times as frames, and the arithmetic of cutting captions to a clip. Django-free.

A cue set counts in frames of one rate (the item's video's; milliseconds, rate 1000, for an item without
video), from the media file's first frame: frame n starts at n / rate seconds, exactly, at 25 fps as at
30000/1001. The source timecode the player and the shotlist show is the item's start timecode plus that
frame (media.timecode counts drop-frame labels). A cue covers the frames [start, end).

Cutting is integer arithmetic on frames, so a cut cue lines up with the clip to the frame: a clip [a, b) keeps
the cues that overlap it, trims them to it, and counts them from a.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class FrameCue:
    start: int  # first frame
    end: int  # frame after the last one
    text: str


def to_frame(seconds: Fraction, rate: Fraction) -> int:
    """The frame an instant falls on, to the nearest frame (a millisecond file time is never on a frame edge
    at 29.97, so rounding, not flooring, gives back the frame it was written from)."""
    return round(seconds * rate)


def to_seconds(frame: int, rate: Fraction) -> Fraction:
    return Fraction(frame) / rate


def cut(cues: Iterable[FrameCue], start: int, end: int) -> list[FrameCue]:
    """The cues overlapping [start, end), trimmed to it and counted from `start` (frame 0 of the clip)."""
    if end <= start:
        raise ValueError("an empty range")
    kept = []
    for cue in cues:
        first, stop = max(cue.start, start), min(cue.end, end)
        if first < stop:
            kept.append(FrameCue(first - start, stop - start, cue.text))
    return kept


def convert(frame: int, source: Fraction, target: Fraction) -> int:
    """A frame of one rate as the nearest frame of another (captions of one rate, a clip counted in another)."""
    return round(Fraction(frame) * target / source)
