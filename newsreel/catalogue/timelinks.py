"""Links to a moment of an item: `?t=` on its page and its embed (docs/embeds.md).

A video's moment is a frame, named by its source timecode as the player and the shotlist show it
(`t=10:00:03:04`, `;` before the frames in drop-frame); a plain number of seconds from the start of the file
(`t=12.48`, the W3C media fragment's unit) is read too and rounded to the nearest frame, as typed timecodes are.
An audio recording has no frames: its moment is seconds from the start, written `HH:MM:SS.mmm` (npt clock time,
also a valid media fragment) or as a number. The player (catalogue/player.js, front/timelink.js) reads the same
forms; this module is the server's reading, used where a link is passed on (oEmbed keeps the moment of the URL
it is given). A value that names no moment of the item gives None: the page opens at the start, never an error.
"""

from __future__ import annotations

import re
from fractions import Fraction

from newsreel.catalogue.models import Item, Kind
from newsreel.media.numbers import NotANumber, decimal_number, whole_number
from newsreel.media.timecode import TimecodeError, frames_to_timecode, parse_rate, timecode_to_frames

MAX_LENGTH = 32  # the longest well-formed value is well below; longer input is not read at all
_SECONDS = re.compile(r"^\d+(\.\d+)?$", re.ASCII)
_CLOCK = re.compile(r"^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$", re.ASCII)
_NPT = "npt:"


def video_frame(value: str, *, rate: Fraction, start_timecode: str = "", frames: int | None = None) -> int | None:
    """The frame of the file (0 = first) a link names: a source timecode, or seconds from the start."""
    value = value.strip()
    if not value or len(value) > MAX_LENGTH:
        return None
    try:
        frame = timecode_to_frames(value, rate)
    except TimecodeError:
        return None
    if not _SECONDS.match(value):
        frame -= _start_frames(start_timecode, rate)
    if frame < 0 or (frames is not None and frame >= frames):
        return None
    return frame


def audio_seconds(value: str, *, duration: float | None = None) -> Fraction | None:
    """Seconds from the start of a recording a link names: `83.52`, `1:23.52`, `00:01:23.520` (`npt:` allowed)."""
    value = value.strip()
    if value.startswith(_NPT):
        value = value[len(_NPT):]
    if not value or len(value) > MAX_LENGTH:
        return None
    try:
        seconds: Fraction | None = (decimal_number(value, maximum=366 * 24 * 3600) if _SECONDS.match(value)
                                    else _clock_seconds(value))
    except NotANumber:
        return None
    if seconds is None or (duration is not None and seconds >= Fraction(duration)):
        return None
    return seconds


def _clock_seconds(value: str) -> Fraction | None:
    m = _CLOCK.match(value)
    if not m:
        return None
    hours = whole_number(m[1]) if m[1] else 0
    minutes = whole_number(m[2])
    seconds = decimal_number(m[3], maximum=60)
    if minutes > 59 or seconds >= 60:
        return None
    return (hours * 60 + minutes) * 60 + seconds


def clock(seconds: Fraction) -> str:
    """`HH:MM:SS.mmm`, to the millisecond (what the audio player's link shows)."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


def item_time_link(item: Item, value: str) -> str | None:
    """The `t` value of a link to `item`, written the way the portal writes it, or None if it names no moment."""
    if item.kind == Kind.VIDEO:
        try:
            rate = parse_rate(item.frame_rate) if item.frame_rate else Fraction(25)
        except (ValueError, ZeroDivisionError):
            return None
        frames = round(Fraction(item.duration) * rate) if item.duration else None
        frame = video_frame(value, rate=rate, start_timecode=item.start_timecode, frames=frames)
        if frame is None:
            return None
        start = _start_frames(item.start_timecode, rate)
        return frames_to_timecode(frame + start, rate)
    if item.kind == Kind.AUDIO:
        seconds = audio_seconds(value, duration=item.duration)
        return None if seconds is None else clock(seconds)
    return None


def _start_frames(start_timecode: str, rate: Fraction) -> int:
    try:
        return timecode_to_frames(start_timecode, rate) if start_timecode else 0
    except TimecodeError:
        return 0
