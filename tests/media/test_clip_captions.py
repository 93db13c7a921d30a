"""Captions carried in a clip as mov_text tracks (labelled ISO 639-2/T, as MP4 asks), read back with the
system ffprobe/ffmpeg (independent tools)."""

from __future__ import annotations

import random
import re
import subprocess
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest

from newsreel.media.clip.captions import CaptionTrack, samples
from newsreel.media.clip.video import cut
from tests.media.conftest import Source, ffprobe
from tests.media.test_clip import check_clip


def subtitle_streams(path: Path) -> list[dict]:
    info = ffprobe(path, "-show_entries", "stream=index,codec_type,codec_name:stream_tags=language")
    return [s for s in info["streams"] if s["codec_type"] == "subtitle"]


def _match(path: Path, stream: int, rate: Fraction) -> list[tuple[int, int, str]]:
    """(first frame, frame after the last, text) of each sample with text, as the system ffmpeg reads the
    track: its SubRip output in milliseconds, to the nearest frame (a frame is 33 ms or more, far more than the
    rounding). Empty samples (the gaps) are not written by ffmpeg."""
    srt = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", f"0:{stream}", "-f", "srt", "-"],
                         capture_output=True, text=True, check=True).stdout
    out = []
    for block in srt.strip().split("\n\n"):
        lines = block.splitlines()
        a, b = (_ms(x) for x in lines[1].split(" --> "))
        text = re.sub(r"</?font[^>]*>", "", "\n".join(lines[2:]))  # the track's default style, as ffmpeg shows it
        out.append((round(a * rate / 1000), round(b * rate / 1000), text))
    return out


def _ms(text: str) -> Fraction:
    h, m, rest = text.split(":")
    s, ms = rest.split(",")
    return Fraction(((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms))


def test_overlapping_cues_become_samples_that_follow_one_another() -> None:
    cues = [(0, 10, "A"), (5, 15, "B"), (20, 30, "C")]
    assert samples(cues, 0, 25) == [(0, 5, "A"), (5, 10, "A\nB"), (10, 15, "B"), (20, 25, "C")]
    assert samples(cues, 3, 100) == [(3, 8, "A"), (8, 13, "A\nB"), (13, 18, "B"), (23, 33, "C")]


@pytest.mark.parametrize("name", ["h264-25", "h264-29.97"])
def test_a_clip_carries_a_track_per_language_timed_to_its_frames(name: str, media: dict[str, Source],
                                                                 tmp_path: Path) -> None:
    source = media[name]
    start, end = 7, 40  # edges re-encoded in the middle of GOPs, a copied run between them
    english = CaptionTrack("en", ((0, 3, "The committee"), (5, 20, "approved the budget"), (10, 12, "Yes!")))
    french = CaptionTrack("fr", ((2, 33, "Le comité a approuvé le budget <b>"),))
    out = tmp_path / "clip.mp4"
    report = cut(source.path, out, start=start, end=end, captions=[english, french])
    check_clip(source, out, report, start, end)  # the picture is as exact as without captions
    streams = subtitle_streams(out)
    assert [(s["codec_name"], s["tags"]["language"]) for s in streams] == [("mov_text", "eng"),
                                                                           ("mov_text", "fra")]
    rate = source.spec.rate
    assert _match(out, streams[0]["index"], rate) == [
        (0, 3, "The committee"), (5, 10, "approved the budget"), (10, 12, "approved the budget\nYes!"),
        (12, 20, "approved the budget")]
    assert _match(out, streams[1]["index"], rate) == [(2, 33, "Le comité a approuvé le budget <b>")]


def test_without_captions_a_clip_has_no_subtitle_stream(media: dict[str, Source], tmp_path: Path) -> None:
    out = tmp_path / "clip.mp4"
    cut(media["h264-25"].path, out, start=7, end=40)
    assert subtitle_streams(out) == []


def test_a_fast_clip_shows_the_cues_on_the_same_source_frames(media: dict[str, Source], tmp_path: Path) -> None:
    source = media["h264-25"]
    out = tmp_path / "clip.mp4"
    report = cut(source.path, out, start=15, end=30, mode="fast", captions=[CaptionTrack("en", ((0, 5, "Hi"),))])
    assert report.first_frame < 15  # widened to the GOP before
    stream = subtitle_streams(out)[0]["index"]
    shift = 15 - report.first_frame
    assert _match(out, stream, source.spec.rate) == [(shift, shift + 5, "Hi")]


def test_samples_match_a_frame_by_frame_reading_of_the_cues() -> None:
    """Against the plainest model: for each frame, the texts of the cues covering it."""
    rng = random.Random(17)
    cues = [(a, a + rng.randint(1, 30), f"c{n}") for n, a in enumerate(sorted(rng.randint(0, 300) for _ in range(80)))]
    for shift, stop in ((0, 400), (5, 200), (0, 100)):
        made = samples(cues, shift, stop)
        by_frame = {f: t for a, b, t in made for f in range(a, b)}
        for frame in range(stop):
            showing = [t for a, b, t in sorted((a + shift, b + shift, t) for a, b, t in cues) if a <= frame < b]
            assert by_frame.get(frame) == ("\n".join(showing) or None), frame
        assert all(a < b for a, b, _t in made) and all(x[1] <= y[0] for x, y in pairwise(made))
