"""SMPTE timecode: parsing, formatting and frame arithmetic, including drop-frame for 29.97 and 59.94.

Frame counts are the single source of truth; timecodes are only labels for them.
"""

from __future__ import annotations

import re
from fractions import Fraction

from newsreel.media.numbers import NotANumber, decimal_number, whole_number

# ASCII digits only: `\d` alone also matches other scripts' digits, which int() reads or refuses.
_TC = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$", re.ASCII)
_SECONDS = re.compile(r"^\d+(\.\d+)?$", re.ASCII)
# Longest span a timecode in seconds may name (a year): more is a typing error, never a real point in a file.
MAX_SECONDS = 366 * 24 * 3600
MAX_RATE = 1_000_000


class TimecodeError(ValueError):
    """A timecode that is malformed or impossible at the given frame rate."""


def nominal_fps(rate: Fraction) -> int:
    """The integer frame count per timecode second (30 for 29.97, 60 for 59.94)."""
    return round(rate)


def is_drop_frame_rate(rate: Fraction) -> bool:
    return rate.denominator == 1001 and nominal_fps(rate) in (30, 60)


def _drop_per_minute(rate: Fraction) -> int:
    return 2 * (nominal_fps(rate) // 30)


def frames_to_timecode(frames: int, rate: Fraction, drop_frame: bool | None = None) -> str:
    """Format a frame count as `HH:MM:SS:FF` (or `HH:MM:SS;FF` for drop-frame)."""
    if frames < 0:
        raise TimecodeError("negative frame count")
    fps = nominal_fps(rate)
    drop = is_drop_frame_rate(rate) if drop_frame is None else drop_frame
    if drop:
        d = _drop_per_minute(rate)
        per_10min = fps * 600 - d * 9
        per_min = fps * 60 - d
        tens, rem = divmod(frames, per_10min)
        extra = 0 if rem < d else d * ((rem - d) // per_min)
        frames = frames + d * 9 * tens + extra
    ff = frames % fps
    ss = frames // fps % 60
    mm = frames // (fps * 60) % 60
    hh = frames // (fps * 3600) % 24
    sep = ";" if drop else ":"
    return f"{hh:02d}:{mm:02d}:{ss:02d}{sep}{ff:02d}"


def timecode_to_frames(text: str, rate: Fraction) -> int:
    """Parse `HH:MM:SS:FF`, drop-frame `HH:MM:SS;FF`, or seconds (`17.52`) into a frame count.

    Seconds are rounded to the nearest frame.
    """
    text = text.strip()
    if _SECONDS.match(text):
        try:
            return round(decimal_number(text, maximum=MAX_SECONDS) * rate)
        except NotANumber as exc:
            raise TimecodeError(f"'{text[:20]}': more than {MAX_SECONDS} seconds, or too many decimals") from exc
    m = _TC.match(text)
    if not m:
        raise TimecodeError(f"'{text}' is not a timecode (HH:MM:SS:FF) or a number of seconds")
    hh, mm, ss, sep, ff = int(m[1]), int(m[2]), int(m[3]), m[4], int(m[5])
    fps = nominal_fps(rate)
    if mm > 59 or ss > 59:
        raise TimecodeError(f"'{text}': minutes and seconds must be below 60")
    if ff >= fps:
        raise TimecodeError(f"'{text}': frame {ff} does not exist at {float(rate):.3f} fps (max {fps - 1})")
    drop = sep in ";," and is_drop_frame_rate(rate)
    if sep in ";," and not is_drop_frame_rate(rate):
        raise TimecodeError(f"'{text}': drop-frame timecode only exists at 29.97 and 59.94 fps")
    total = (hh * 3600 + mm * 60 + ss) * fps + ff
    if drop:
        d = _drop_per_minute(rate)
        if ss == 0 and ff < d and mm % 10 != 0:
            raise TimecodeError(f"'{text}': this frame number is dropped in drop-frame timecode")
        minutes = hh * 60 + mm
        total -= d * (minutes - minutes // 10)
    return total


def frames_to_seconds(frames: int, rate: Fraction) -> Fraction:
    return Fraction(frames) / rate


def parse_rate(text: str | float | Fraction) -> Fraction:
    """A frame rate from `25`, `29.97`, `30000/1001`; the usual NTSC decimals map to their exact fractions."""
    if isinstance(text, Fraction):
        return text
    if isinstance(text, str):
        # Typed by people (the back office, the command line): read within bounds, as `25`, `29.97`, `30000/1001`.
        number, slash, denominator = text.strip().partition("/")
        try:
            numerator = decimal_number(number, maximum=MAX_RATE)
            divisor = whole_number(denominator, maximum=MAX_RATE) if slash else 1
        except NotANumber as exc:
            raise ValueError(f"not a frame rate: {text[:20]!r}") from exc
        if numerator == 0 or divisor == 0:
            raise ValueError(f"not a frame rate: {text[:20]!r}")
        text = numerator / divisor
    value = Fraction(text).limit_denominator(1001)
    for nominal in (24, 30, 48, 60, 120):
        exact = Fraction(nominal * 1000, 1001)
        if abs(value - exact) < Fraction(1, 100):
            return exact
    return value
