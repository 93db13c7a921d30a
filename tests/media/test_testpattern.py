"""The test pattern burns in the source timecode (the file's start timecode plus the frame), as players show it."""

from __future__ import annotations

from fractions import Fraction

import numpy
from PIL import ImageChops

from newsreel.media.testpattern import PatternSpec, _background, _font, frame_image, generate_video
from newsreel.media.timecode import timecode_to_frames


def _timecode_box(spec: PatternSpec, text: str) -> tuple[int, int, int, int]:
    """Where the timecode digits of a frame are drawn (without the frame number after them)."""
    x, y = spec.width * 0.07, spec.height * 0.70
    left, top, right, bottom = _font(max(12, spec.height // 9)).getbbox(text)
    return int(x + left), int(y + top), int(x + right) + 1, int(y + bottom) + 1


def test_burnt_in_timecode_counts_from_the_start_timecode():
    rate = Fraction(25)
    from_ten = PatternSpec(width=640, height=360, rate=rate, metadata={"timecode": "10:00:00:00"})
    from_zero = PatternSpec(width=640, height=360, rate=rate)
    background = _background(640, 360, "")
    frame = frame_image(79, from_ten, background)  # 3 s 4 frames in
    # Frame 900079 of a pattern starting at zero is drawn as 10:00:03:04: the digits must be the same pixels.
    reference = frame_image(timecode_to_frames("10:00:03:04", rate), from_zero, background)
    wrong = frame_image(79, from_zero, background)  # 00:00:03:04
    box = _timecode_box(from_ten, "10:00:03:04")
    assert ImageChops.difference(frame.crop(box), reference.crop(box)).getbbox() is None
    assert ImageChops.difference(frame.crop(box), wrong.crop(box)).getbbox() is not None


def test_generated_video_first_frame_shows_the_start_timecode(tmp_path):
    import av

    spec = PatternSpec(width=320, height=180, seconds=0.2, gop=5, preset="ultrafast",
                       metadata={"timecode": "10:00:00:00"})
    path = generate_video(tmp_path / "tc.mp4", spec)
    with av.open(str(path)) as container:
        decoded = next(container.decode(video=0)).to_image()
    background = _background(320, 180, "")
    box = _timecode_box(spec, "10:00:00:00")
    expected = frame_image(0, spec, background).crop(box).convert("L")
    zero = frame_image(0, PatternSpec(width=320, height=180), background).crop(box).convert("L")
    got = decoded.crop(box).convert("L")

    def distance(a, b) -> int:
        return int(numpy.asarray(ImageChops.difference(a, b), dtype=numpy.int64).sum())

    assert distance(got, expected) < distance(got, zero) / 3  # lossy, but clearly the 10:00 digits
