"""Captions cut to a clip line up with its frames exactly, at 25 fps and at 29.97 fps drop-frame."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from newsreel.captions import export, services
from newsreel.captions.formats import TimedText, parse
from newsreel.captions.models import CueSet
from newsreel.captions.timing import FrameCue, cut
from newsreel.media.timecode import frames_to_timecode, timecode_to_frames

NTSC = Fraction(30000, 1001)


def test_cut_keeps_overlapping_cues_trimmed_and_counted_from_the_clip() -> None:
    cues = [FrameCue(0, 10, "a"), FrameCue(8, 20, "b"), FrameCue(20, 30, "c"), FrameCue(30, 40, "d")]
    assert cut(cues, 12, 31) == [FrameCue(0, 8, "b"), FrameCue(8, 18, "c"), FrameCue(18, 19, "d")]
    assert cut(cues, 10, 20) == [FrameCue(0, 10, "b")]  # a ends on frame 9: not in the clip


def _cue_set(item_factory: Any, rate: str, start_tc: str, cues: list[tuple[str, str, str]]) -> CueSet:
    """A published cue set whose cues are given in source timecode (as an editor types them)."""
    item = item_factory(frame_rate=rate, start_timecode=start_tc)
    cue_set = services.cue_set_replace(item=item, language="en", cues=[], source="uploaded", status="published")
    for tc_in, tc_out, text in cues:
        cue_set.cues.create(start=cue_set.frame_of(tc_in), end=cue_set.frame_of(tc_out), text=text)
    return cue_set


def _frames_in(srt: str, rate: Fraction) -> list[tuple[int, int, str]]:
    _kind, cues = parse(srt.encode(), name="x.srt", max_bytes=10**6, max_cues=1000)
    return [(round(cue.start * rate), round(cue.end * rate), cue.text) for cue in cues]


@pytest.mark.django_db
def test_cut_at_25_fps_with_a_start_timecode(item_factory: Any) -> None:
    cue_set = _cue_set(item_factory, "25", "10:00:00:00", [
        ("10:00:01:00", "10:00:03:04", "Before and into the clip"),
        ("10:00:03:04", "10:00:05:12", "Inside the clip"),
        ("10:00:05:12", "10:00:09:00", "Past the out point"),
        ("10:00:20:00", "10:00:21:00", "Long after"),
    ])
    clip = ("10:00:02:10", "10:00:06:00")  # frames 60..150 of the file: 90 frames
    srt = export.caption_file(cue_set, "srt", clip)
    assert _frames_in(srt, Fraction(25)) == [
        (0, 19, "Before and into the clip"),   # 10:00:02:10 -> 10:00:03:04 is 19 frames
        (19, 77, "Inside the clip"),           # 10:00:03:04 -> 10:00:05:12
        (77, 90, "Past the out point"),        # trimmed at the out point: the clip's last frame is 89
    ]
    assert "00:00:00,760 --> 00:00:03,080" in srt


@pytest.mark.django_db
def test_cut_at_29_97_drop_frame_across_a_dropped_label(item_factory: Any) -> None:
    """At 29.97 drop-frame, 10:01:00;02 follows 10:00:59;29 (labels ;00 and ;01 are skipped): a clip from
    10:00:59;28 to 10:01:00;04 is 4 frames, not 6."""
    cue_set = _cue_set(item_factory, "30000/1001", "10:00:00;00", [
        ("10:00:58;00", "10:00:59;29", "Ends one frame before the minute"),
        ("10:00:59;29", "10:01:00;03", "Across the dropped labels"),
        ("10:01:00;03", "10:01:02;00", "After"),
    ])
    origin = timecode_to_frames("10:00:00;00", NTSC)
    start, end = (timecode_to_frames(tc, NTSC) - origin for tc in ("10:00:59;28", "10:01:00;04"))
    assert (start, end) == (1798, 1802)
    srt = export.caption_file(cue_set, "srt", ("10:00:59;28", "10:01:00;04"))
    assert _frames_in(srt, NTSC) == [(0, 1, "Ends one frame before the minute"),
                                     (1, 3, "Across the dropped labels"), (3, 4, "After")]
    # The file's times are the clip's frames at 1001/30000 s, to the millisecond: frame 3 is 100.1 ms.
    assert "00:00:00,100 --> 00:00:00,133" in srt
    # And the sidecar's source timecodes say the same frames, in drop-frame labels.
    lines = export.transcript_lines(cue_set, ("10:00:59;28", "10:01:00;04"))
    assert lines[1].startswith(f"{frames_to_timecode(origin + 1799, NTSC)} – 10:01:00;03")
    assert lines[1].startswith("10:00:59;29 – 10:01:00;03")


@pytest.mark.django_db
def test_uploaded_times_become_frames_of_the_item(item_factory: Any) -> None:
    item = item_factory(frame_rate="30000/1001", start_timecode="01:00:00;00")
    # 1.001 s is frame 30 exactly; 2.0 s falls between frames 59 and 60 and goes to the nearest (60 = 2.002 s).
    cue_set = services.cue_set_replace(item=item, language="fr", source="uploaded", cues=[
        TimedText(Fraction(1001, 1000), Fraction(2), "Bonjour")])
    cue = cue_set.cues.get()
    assert (cue.start, cue.end) == (30, 60)
    assert cue_set.label(cue.start) == "01:00:01;00"
    assert cue_set.rate == "30000/1001"


@pytest.mark.django_db
def test_an_item_without_video_counts_milliseconds(item_factory: Any) -> None:
    item = item_factory(kind="audio", frame_rate="")
    cue_set = services.cue_set_replace(item=item, language="en", source="uploaded", cues=[
        TimedText(Fraction(1234, 1000), Fraction(2500, 1000), "Audio")])
    cue = cue_set.cues.get()
    assert (cue.start, cue.end) == (1234, 2500)
    assert "00:00:00.234 --> 00:00:01.500" in export.caption_file(cue_set, "vtt", ("00:00:01:000", "00:00:03:000"))


@pytest.mark.django_db
@pytest.mark.parametrize(("tc_in", "tc_out", "message"), [
    ("nonsense", "10:00:01:00", "timecodes"), ("10:00:05:00", "10:00:01:00", "after the in point"),
    ("09:59:59:00", "10:00:01:00", "before the start")])
def test_bad_clip_points_are_refused_with_a_message(item_factory: Any, tc_in: str, tc_out: str,
                                                    message: str) -> None:
    cue_set = _cue_set(item_factory, "25", "10:00:00:00", [("10:00:01:00", "10:00:02:00", "x")])
    with pytest.raises(export.CutRefused, match=message):
        export.caption_file(cue_set, "srt", (tc_in, tc_out))


@pytest.mark.django_db
def test_captions_uploaded_before_the_video_follow_its_rate(item_factory: Any) -> None:
    """Before processing, an item has no frame rate: its captions count milliseconds, then the video's frames."""
    item = item_factory(frame_rate="")
    cue_set = services.cue_set_replace(item=item, language="en", source="uploaded", cues=[
        TimedText(Fraction(1001, 1000), Fraction(2002, 1000), "Hello")])
    assert cue_set.rate == "1000"
    assert [(c.start, c.end) for c in cue_set.cues.all()] == [(1001, 2002)]
    item.frame_rate, item.start_timecode = "30000/1001", "01:00:00;00"
    item.save()  # as ingest does once the master is probed
    cue_set.refresh_from_db()
    assert cue_set.rate == "30000/1001"
    assert [(c.start, c.end) for c in cue_set.cues.all()] == [(30, 60)]  # 1.001 s and 2.002 s exactly
    assert cue_set.label(30) == "01:00:01;00"
