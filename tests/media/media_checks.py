"""Independent checks on produced media with the system ffprobe/ffmpeg, and small shared test types."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from newsreel.media.testpattern import PatternSpec

# Fails (never skips) when the system ffmpeg is missing: see tests/system_tools.py.
needs_ffmpeg = pytest.mark.usefixtures("system_ffmpeg")


@dataclass(frozen=True)
class Master:
    path: Path
    spec: PatternSpec
    timecode: str | None

    @property
    def frames(self) -> int:
        return round(self.spec.seconds * self.spec.rate)


def ffprobe(path: Path, *args: str) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def ffprobe_streams(path: Path) -> list[dict]:
    return ffprobe(path, "-show_streams", "-show_format")["streams"]


def stream_of(path: Path, kind: str) -> dict:
    return next(s for s in ffprobe_streams(path) if s["codec_type"] == kind)


def video_frame_flags(path: Path) -> list[tuple[float, bool]]:
    """(presentation time, keyframe) of every decoded video frame, per ffprobe."""
    frames = ffprobe(
        path,
        "-select_streams",
        "v:0",
        "-show_entries",
        "frame=best_effort_timestamp_time,key_frame",
        "-show_frames",
    )["frames"]
    return [(float(f["best_effort_timestamp_time"]), f["key_frame"] == 1) for f in frames]


def decode_gray_frames(path: Path, width: int, height: int) -> np.ndarray:
    """Every video frame as a (n, height, width) uint8 luma array, decoded by the system ffmpeg."""
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-map",
            "0:v:0",
            "-vf",
            f"scale={width}:{height}:flags=area",
            "-pix_fmt",
            "gray",
            "-f",
            "rawvideo",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width)


def decode_pcm(path: Path, rate: int = 48000, channels: int = 2) -> np.ndarray:
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-ac",
            str(channels),
            "-ar",
            str(rate),
            "-f",
            "s16le",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, np.int16).reshape(-1, channels)


def top_level_atoms(path: Path) -> list[str]:
    """Names of the top-level MP4 boxes in file order."""
    names = []
    with open(path, "rb") as fh:
        while header := fh.read(8):
            size = int.from_bytes(header[:4], "big")
            names.append(header[4:8].decode("latin-1"))
            if size == 1:
                size = int.from_bytes(fh.read(8), "big")
                fh.seek(size - 16, 1)
            elif size == 0:
                break
            else:
                fh.seek(size - 8, 1)
    return names


def first_frame_rgb(path: Path) -> np.ndarray:
    """The first picture as (height, width, 3) RGB, converted by the system ffmpeg per the colour tags."""
    info = next(s for s in ffprobe(path, "-show_streams")["streams"] if s["codec_type"] == "video")
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-pix_fmt",
            "rgb24",
            "-f",
            "rawvideo",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(info["height"], info["width"], 3)


_CONTAINER_BOXES = {b"moov", b"trak", b"edts", b"mdia", b"minf", b"stbl"}


def edit_lists(path: Path) -> dict[str, list[tuple[int, int]]]:
    """Each MP4/MOV track's edit list as (segment duration, media time) entries, by handler type."""
    data = path.read_bytes()
    found: dict[str, list[tuple[int, int]]] = {}

    def walk(start: int, end: int, track: dict[str, object]) -> None:
        while start + 8 <= end:
            size, kind = int.from_bytes(data[start:start + 4], "big"), data[start + 4:start + 8]
            header = 8
            if size == 1:
                size, header = int.from_bytes(data[start + 8:start + 16], "big"), 16
            size = size or end - start
            body = start + header
            if kind == b"trak":
                inner: dict[str, object] = {}
                walk(body, start + size, inner)
                found[str(inner.get("handler", "?"))] = inner.get("elst", [])  # type: ignore[assignment]
            elif kind in _CONTAINER_BOXES:
                walk(body, start + size, track)
            elif kind == b"hdlr":
                track["handler"] = data[body + 8:body + 12].decode("latin-1")
            elif kind == b"elst":
                version, count = data[body], int.from_bytes(data[body + 4:body + 8], "big")
                width = 8 if version == 1 else 4
                entries, at = [], body + 8
                for _ in range(count):
                    duration = int.from_bytes(data[at:at + width], "big")
                    media_time = int.from_bytes(data[at + width:at + 2 * width], "big", signed=True)
                    entries.append((duration, media_time))
                    at += 2 * width + 4  # media rate
                track["elst"] = entries
            start += size

    walk(0, len(data), {})
    return found


def hides_nothing(path: Path) -> bool:
    """No track's edit list skips or delays media: what is stored is what plays, in any software."""
    return all(len(entries) <= 1 and all(media_time == 0 for _, media_time in entries)
               for entries in edit_lists(path).values())
