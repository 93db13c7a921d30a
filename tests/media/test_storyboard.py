from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from newsreel.media.video.storyboard import COLUMNS, make_poster, make_storyboard
from tests.media.media_checks import Master, decode_gray_frames, needs_ffmpeg

pytest_plugins = ["tests.media.media_fixtures"]
pytestmark = [needs_ffmpeg, pytest.mark.slow]

_CUE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$")


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def _cues(vtt: Path) -> list[tuple[float, float, str, tuple[int, int, int, int]]]:
    lines = vtt.read_text().splitlines()
    assert lines[0] == "WEBVTT"
    cues = []
    for i, line in enumerate(lines):
        m = _CUE.match(line)
        if m:
            target = lines[i + 1]
            name, _, xywh = target.partition("#xywh=")
            x, y, w, h = (int(v) for v in xywh.split(","))
            cues.append((_seconds(*m.groups()[:4]), _seconds(*m.groups()[4:]), name, (x, y, w, h)))
    return cues


def test_storyboard_vtt_covers_the_video_with_tiles_inside_the_sprite(rendered_video: tuple) -> None:
    out, _, _ = rendered_video
    cues = _cues(out / "storyboard.vtt")
    assert len(cues) == math.ceil(3.0 / 2.0)
    assert cues[0][0] == 0.0
    assert cues[-1][1] == pytest.approx(3.0, abs=0.001)
    for (_, end, _, _), (start, _, _, _) in itertools.pairwise(cues):
        assert start == pytest.approx(end)
    for _, _, name, (x, y, w, h) in cues:
        with Image.open(out / name) as sprite:
            assert sprite.format == "JPEG"
            assert x + w <= sprite.width and y + h <= sprite.height
            assert (w, h) == (160, 90)


def test_storyboard_json_matches_the_vtt(rendered_video: tuple) -> None:
    out, _, _ = rendered_video
    index = json.loads((out / "storyboard.json").read_text())
    cues = _cues(out / "storyboard.vtt")
    assert index["interval"] == 2.0
    assert index["columns"] == COLUMNS
    assert len(index["tiles"]) == len(cues)
    for tile, (start, end, name, (x, y, _, _)) in zip(index["tiles"], cues, strict=True):
        assert (tile["start"], tile["end"], tile["x"], tile["y"]) == (start, end, x, y)
        assert index["sheets"][tile["sheet"]] == name


def test_storyboard_tiles_show_the_frame_at_their_start_time(
    rendered_video: tuple, master_25: Master
) -> None:
    out, _, _ = rendered_video
    source = decode_gray_frames(master_25.path, 160, 90).astype(np.float32)
    index = json.loads((out / "storyboard.json").read_text())
    sprite = np.asarray(Image.open(out / index["sheets"][0]).convert("L"), np.float32)
    for tile in index["tiles"]:
        crop = sprite[tile["y"] : tile["y"] + 90, tile["x"] : tile["x"] + 160]
        distances = np.abs(source - crop).mean(axis=(1, 2))
        assert int(np.argmin(distances)) == round(tile["start"] * 25)


def test_storyboard_pages_long_videos_into_several_sheets(master_25: Master, tmp_path: Path) -> None:
    # 3 s every 0.1 s = 30 tiles on sheets of 5x4 = 20 tiles: one full sheet and one of two rows.
    files = make_storyboard(master_25.path, tmp_path, interval=0.1, columns=5, rows=4, threads=1)
    sheets = [f for f in files if f.role == "storyboard_sprite"]
    assert [f.path.name for f in sheets] == ["storyboard_000.jpg", "storyboard_001.jpg"]
    assert (sheets[0].width, sheets[0].height) == (5 * 160, 4 * 90)
    assert (sheets[1].width, sheets[1].height) == (5 * 160, 2 * 90)
    index = json.loads((tmp_path / "storyboard.json").read_text())
    assert len(index["tiles"]) == 30
    assert index["tiles"][25] == {"start": 2.5, "end": 2.6, "sheet": 1, "x": 0, "y": 90}


def test_storyboard_is_never_finer_than_one_frame(master_25: Master, tmp_path: Path) -> None:
    make_storyboard(master_25.path, tmp_path, interval=0.001, threads=1)
    index = json.loads((tmp_path / "storyboard.json").read_text())
    assert index["interval"] == pytest.approx(1 / 25)
    assert len(index["tiles"]) == 75


def test_poster_and_thumbnails_come_from_the_requested_time(master_25: Master, tmp_path: Path) -> None:
    files = make_poster(master_25.path, tmp_path, at=1.2, threads=1)
    roles = {f.role: f for f in files}
    assert set(roles) == {"poster", "thumbnail_640", "thumbnail_320"}
    assert (roles["poster"].width, roles["poster"].height) == (320, 180)
    source = decode_gray_frames(master_25.path, 320, 180).astype(np.float32)
    poster = np.asarray(Image.open(roles["poster"].path).convert("L"), np.float32)
    assert int(np.argmin(np.abs(source - poster).mean(axis=(1, 2)))) == 30
