"""Session-wide generated media and an independent checker (the system ffprobe/ffmpeg) for the media tests.

Test modules load this with `pytest_plugins = ["tests.media.media_fixtures"]`. Media are tiny (320x180, a few
seconds) and made once per session.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from newsreel.media.render import render_audio, render_video
from newsreel.media.renditions import RenditionFile
from newsreel.media.testpattern import PatternSpec, generate_tone_wav, generate_video
from tests.media.media_checks import Master

W, H = 320, 180

MASTERS = {
    "h264_25": (".mp4", PatternSpec(width=W, height=H, rate=Fraction(25), seconds=3, gop=25), "10:00:00:00"),
    "h264_2997": (
        ".mp4",
        PatternSpec(width=W, height=H, rate=Fraction(30000, 1001), seconds=2.5, gop=30),
        "01:00:00;00",
    ),
    "h264_50": (".mov", PatternSpec(width=W, height=H, rate=Fraction(50), seconds=2.5, gop=50), None),
    "prores_mov": (
        ".mov",
        PatternSpec(
            width=W,
            height=H,
            rate=Fraction(25),
            seconds=2.5,
            codec="prores_ks",
            pix_fmt="yuv422p10le",
            audio_codec="pcm_s16le",
            bframes=0,
            codec_options={"profile": "1"},
        ),
        "09:59:50:00",
    ),
    "dnxhr_mov": (
        ".mov",
        PatternSpec(
            width=W,
            height=H,
            rate=Fraction(25),
            seconds=2.5,
            codec="dnxhd",
            pix_fmt="yuv422p",
            audio_codec="pcm_s16le",
            bframes=0,
            codec_options={"profile": "dnxhr_lb"},
        ),
        None,
    ),
    "mpeg2_mxf": (
        ".mxf",
        PatternSpec(
            width=W,
            height=H,
            rate=Fraction(25),
            seconds=2.5,
            codec="mpeg2video",
            pix_fmt="yuv422p",
            audio_codec="pcm_s16le",
            gop=12,
            bframes=2,
            bitrate=4_000_000,
        ),
        "10:00:00:00",
    ),
}


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


def _make_master(media_dir: Path, name: str) -> Master:
    suffix, spec, tc = MASTERS[name]
    path = media_dir / f"{name}{suffix}"
    if not path.exists():
        meta = {"timecode": tc} if tc else None
        generate_video(path, PatternSpec(**{**spec.__dict__, "metadata": meta}))
    return Master(path, spec, tc)


@pytest.fixture(scope="session")
def masters(media_dir: Path) -> dict[str, Master]:
    """All video masters, generated on first use."""
    return {name: _make_master(media_dir, name) for name in MASTERS}


@pytest.fixture(scope="session")
def master_25(media_dir: Path) -> Master:
    return _make_master(media_dir, "h264_25")


@pytest.fixture(scope="session")
def wav_master(media_dir: Path) -> Path:
    return generate_tone_wav(media_dir / "tone.wav", seconds=3.0, rate=48000, hz=440.0)


@pytest.fixture(scope="session")
def rendered_video(
    master_25: Master, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[RenditionFile], list[float]]:
    """render_video() of the 25 fps master, with the progress values it reported."""
    out = tmp_path_factory.mktemp("rendered_video")
    progress: list[float] = []
    files = render_video(master_25.path, out, progress=progress.append, threads=1)
    return out, files, progress


@pytest.fixture(scope="session")
def rendered_audio(
    wav_master: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[RenditionFile]]:
    out = tmp_path_factory.mktemp("rendered_audio")
    return out, render_audio(wav_master, out)
