from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreel.media.timecode import (
    TimecodeError,
    frames_to_timecode,
    is_drop_frame_rate,
    parse_rate,
    timecode_to_frames,
)

RATES = [Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30), Fraction(50),
         Fraction(60000, 1001), Fraction(60)]


@given(st.sampled_from(RATES), st.integers(0, 24 * 3600 * 23))
def test_frames_round_trip_through_timecode(rate: Fraction, frames: int) -> None:
    frames = frames % round(24 * 3600 * rate)  # stay within one day
    assert timecode_to_frames(frames_to_timecode(frames, rate), rate) == frames


@given(st.sampled_from([Fraction(30000, 1001), Fraction(60000, 1001)]), st.integers(0, 23),
       st.integers(0, 59), st.integers(0, 59), st.integers(0, 59))
def test_valid_drop_frame_labels_round_trip(rate: Fraction, hh: int, mm: int, ss: int, ff: int) -> None:
    fps = round(rate)
    ff %= fps
    label = f"{hh:02d}:{mm:02d}:{ss:02d};{ff:02d}"
    dropped = ss == 0 and ff < 2 * (fps // 30) and mm % 10 != 0
    if dropped:
        with pytest.raises(TimecodeError, match="dropped"):
            timecode_to_frames(label, rate)
    else:
        assert frames_to_timecode(timecode_to_frames(label, rate), rate) == label


@pytest.mark.parametrize(("frames", "rate", "label"), [
    (1800, Fraction(30000, 1001), "00:01:00;02"),
    (1799, Fraction(30000, 1001), "00:00:59;29"),
    (17982, Fraction(30000, 1001), "00:10:00;00"),
    (17981, Fraction(30000, 1001), "00:09:59;29"),
    (107892, Fraction(30000, 1001), "01:00:00;00"),
    (3600, Fraction(60000, 1001), "00:01:00;04"),
    (35964, Fraction(60000, 1001), "00:10:00;00"),
    (438, Fraction(25), "00:00:17:13"),
    (6582, Fraction(25), "00:04:23:07"),
    (24, Fraction(24000, 1001), "00:00:01:00"),
])
def test_known_timecodes(frames: int, rate: Fraction, label: str) -> None:
    assert frames_to_timecode(frames, rate) == label
    assert timecode_to_frames(label, rate) == frames


@pytest.mark.parametrize(("text", "rate", "message"), [
    ("00:00:01;00", Fraction(25), "drop-frame"),
    ("00:01:00;00", Fraction(30000, 1001), "dropped"),
    ("00:00:00:25", Fraction(25), "does not exist"),
    ("00:61:00:00", Fraction(25), "below 60"),
    ("1:2:3", Fraction(25), "not a timecode"),
    ("abc", Fraction(25), "not a timecode"),
    ("", Fraction(25), "not a timecode"),
])
def test_malformed_timecodes_are_errors(text: str, rate: Fraction, message: str) -> None:
    with pytest.raises(TimecodeError, match=message):
        timecode_to_frames(text, rate)


def test_seconds_round_to_the_nearest_frame() -> None:
    assert timecode_to_frames("17.52", Fraction(25)) == 438
    assert timecode_to_frames("1", Fraction(30000, 1001)) == 30


def test_ntsc_rates_parse_to_exact_fractions() -> None:
    assert parse_rate("29.97") == Fraction(30000, 1001)
    assert parse_rate(59.94) == Fraction(60000, 1001)
    assert parse_rate("23.976") == Fraction(24000, 1001)
    assert parse_rate("25") == Fraction(25)
    assert is_drop_frame_rate(Fraction(30000, 1001)) and not is_drop_frame_rate(Fraction(25))
