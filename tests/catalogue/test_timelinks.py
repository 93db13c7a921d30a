"""Reading the `t` of a link to a moment of an item: source timecodes and seconds for video, time for audio."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreel.catalogue.models import Item, Kind
from newsreel.catalogue.timelinks import audio_seconds, clock, item_time_link, video_frame
from newsreel.media.timecode import frames_to_timecode

P25 = Fraction(25)
NTSC = Fraction(30000, 1001)


def test_a_source_timecode_names_the_frame_counted_from_the_start_timecode():
    assert video_frame("10:00:03:04", rate=P25, start_timecode="10:00:00:00") == 79
    assert video_frame("00:00:03:04", rate=P25) == 79
    assert video_frame("10:00:00:00", rate=P25, start_timecode="10:00:00:00") == 0


def test_seconds_count_from_the_start_of_the_file_to_the_nearest_frame():
    assert video_frame("3.16", rate=P25, start_timecode="10:00:00:00") == 79
    assert video_frame("3.17", rate=P25) == 79  # 79.25 frames: the nearest
    assert video_frame("0", rate=P25) == 0


def test_drop_frame_timecodes_at_2997():
    assert video_frame("00:01:00;02", rate=NTSC) == 1800
    assert video_frame("00:01:00;00", rate=NTSC) is None  # a dropped number


@pytest.mark.parametrize("value", [
    "", "  ", "nonsense", "10:00:03:25", "10:61:00:00", "09:59:59:24", "10:00:60:00", "-1", "1e3", "10:00:03",
    "10:00:03:04:05", "٣", "1" * 40, "10:00:03:04; DROP TABLE",
])
def test_values_that_name_no_frame_are_ignored(value):
    assert video_frame(value, rate=P25, start_timecode="10:00:00:00", frames=1500) is None


def test_a_frame_after_the_end_is_ignored():
    assert video_frame("10:01:00:00", rate=P25, start_timecode="10:00:00:00", frames=1500) is None
    assert video_frame("10:00:59:24", rate=P25, start_timecode="10:00:00:00", frames=1500) == 1499


def test_audio_time_reads_seconds_and_clock_time():
    assert audio_seconds("83.52") == Fraction("83.52")
    assert audio_seconds("1:23.52") == Fraction("83.52")
    assert audio_seconds("00:01:23.520") == Fraction("83.52")
    assert audio_seconds("npt:83.5") == Fraction("83.5")
    assert audio_seconds("1:00:00") == 3600
    for value in ("", "1:60", "1:75:00", "abc", "-3", "83.52s", "90", "1" * 40):
        assert audio_seconds(value, duration=90.0) is None, value


def test_clock_writes_milliseconds():
    assert clock(Fraction("83.52")) == "00:01:23.520"
    assert clock(Fraction(3600)) == "01:00:00.000"


@given(st.integers(min_value=0, max_value=25 * 3600 - 1))
def test_every_frame_written_as_its_source_timecode_reads_back(frame):
    start = "10:00:00:00"
    written = frames_to_timecode(frame + 900_000, P25)
    assert video_frame(written, rate=P25, start_timecode=start) == frame


@given(st.integers(min_value=0, max_value=89_999))
def test_audio_clock_time_reads_back_to_the_millisecond(millis):
    seconds = Fraction(millis, 1000)
    assert audio_seconds(clock(seconds)) == seconds


def test_an_items_link_is_written_the_way_the_portal_writes_it():
    video = Item(kind=Kind.VIDEO, frame_rate="25", start_timecode="10:00:00:00", duration=60.0)
    assert item_time_link(video, "3.16") == "10:00:03:04"
    assert item_time_link(video, "10:00:03:04") == "10:00:03:04"
    assert item_time_link(video, "10:01:00:00") is None
    sound = Item(kind=Kind.AUDIO, duration=90.0)
    assert item_time_link(sound, "83.52") == "00:01:23.520"
    assert item_time_link(sound, "10:00:03:04") is None
    assert item_time_link(Item(kind=Kind.PHOTO), "1") is None
    assert item_time_link(Item(kind=Kind.VIDEO, frame_rate="bad"), "1") is None
