"""Generated test media for the clip engine, cached between runs; independent checks with system ffmpeg."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from newsreel.media.testpattern import PatternSpec, generate_video

W, H = 256, 144

SOURCES: dict[str, tuple[str, PatternSpec]] = {
    "h264-23.976": ("mp4", PatternSpec(width=W, height=H, rate=Fraction(24000, 1001), seconds=3, gop=12)),
    "h264-25": ("mp4", PatternSpec(width=W, height=H, rate=Fraction(25), seconds=3, gop=12)),
    "h264-29.97": ("mp4", PatternSpec(width=W, height=H, rate=Fraction(30000, 1001), seconds=2.5, gop=15,
                                      bframes=3)),
    "h264-50": ("mov", PatternSpec(width=W, height=H, rate=Fraction(50), seconds=2, gop=20)),
    "h264-59.94": ("mp4", PatternSpec(width=W, height=H, rate=Fraction(60000, 1001), seconds=2, gop=24)),
    "h264-open-gop": ("mp4", PatternSpec(width=W, height=H, rate=Fraction(25), seconds=3, gop=12,
                                         open_gop=True)),
    "h264-mxf": ("mxf", PatternSpec(width=W, height=H, rate=Fraction(25), seconds=3, gop=12,
                                    audio_codec="pcm_s16le")),
    "mpeg4": ("mp4", PatternSpec(width=W, height=H, rate=Fraction(25), seconds=2, gop=12, codec="mpeg4")),
}


@dataclass(frozen=True)
class Source:
    name: str
    path: Path
    spec: PatternSpec
    frames: np.ndarray  # decoded by system ffmpeg: (n, H*W*3/2) yuv420p

    @property
    def count(self) -> int:
        return len(self.frames)


def _cache_dir(config: pytest.Config) -> Path:
    return Path(config.cache.mkdir("newsreel-media"))


def _key(name: str, ext: str, spec: PatternSpec) -> str:
    here = Path(__file__).resolve().parents[2] / "newsreel" / "media" / "testpattern.py"
    digest = hashlib.sha1((repr(spec) + ext + here.read_text()).encode()).hexdigest()[:12]
    return f"{name}-{digest}.{ext}"


def decode_yuv(path: Path, width: int = W, height: int = H) -> np.ndarray:
    """Every frame as decoded by the system ffmpeg (an independent decoder), in presentation order."""
    command = ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v:0", "-fps_mode", "passthrough",
               "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]
    raw = subprocess.run(command, capture_output=True, check=True).stdout
    size = width * height * 3 // 2
    return np.frombuffer(raw, np.uint8).reshape(-1, size)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def ffprobe(path: Path, *args: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *args, str(path)], capture_output=True,
                         check=True, text=True).stdout
    return json.loads(out)


def decode_errors(path: Path) -> str:
    """What the system ffmpeg says when decoding every stream with errors fatal; empty when clean."""
    result = subprocess.run(["ffmpeg", "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],
                            capture_output=True, text=True)
    return result.stderr + ("" if result.returncode == 0 else f"exit status {result.returncode}")


def _with_timecode(src: Path, dst: Path, timecode: str) -> None:
    with av.open(str(src)) as i, av.open(str(dst), "w", options={"write_tmcd": "1"}) as o:
        streams = {s.index: o.add_stream_from_template(s) for s in (*i.streams.video, *i.streams.audio)}
        streams[i.streams.video[0].index].metadata["timecode"] = timecode
        for packet in i.demux(*i.streams.video, *i.streams.audio):
            if packet.dts is None:
                continue
            packet.stream = streams[packet.stream.index]
            o.mux(packet)


def _make_once(path: Path, make: Callable[[Path], object]) -> None:
    """Write a cached file under a name of this process's own, then move it in place in one step: xdist
    workers that start on a clean cache make the same file at once, and none may see another's half."""
    tmp = path.with_name(f"tmp-{os.getpid()}-{path.name}")
    make(tmp)
    os.replace(tmp, path)


@pytest.fixture(scope="session")
def media(request: pytest.FixtureRequest) -> dict[str, Source]:
    cache = _cache_dir(request.config)
    out: dict[str, Source] = {}
    for name, (ext, spec) in SOURCES.items():
        path = cache / _key(name, ext, spec)
        if not path.exists():
            _make_once(path, lambda tmp, spec=spec: generate_video(tmp, spec))
        out[name] = Source(name, path, spec, decode_yuv(path))
    return out


@pytest.fixture(scope="session")
def timecoded(request: pytest.FixtureRequest, media: dict[str, Source]) -> Source:
    """The 25 fps source with a start timecode of 10:00:00:00 in a tmcd track."""
    base = media["h264-25"]
    path = base.path.with_name("tc-" + base.path.name)
    if not path.exists():
        _make_once(path, lambda tmp: _with_timecode(base.path, tmp, "10:00:00:00"))
    return Source("h264-25-tc", path, base.spec, base.frames)
