"""What a produced file is (`RenditionFile`), and atomic writing so a retried job replaces, not duplicates."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

Progress = Callable[[float], None]

_MIME = {
    "mp4": "video/mp4",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "json": "application/json",
    "vtt": "text/vtt",
}


@dataclass(frozen=True)
class RenditionFile:
    role: str  # e.g. web, broadcast, audio_mp3, poster, storyboard_sprite; see each render_* function
    path: Path
    container: str  # mp4, mp3, wav, jpeg, png, json, vtt
    mime_type: str
    size_bytes: int
    sha256: str
    video_codec: str | None = None
    audio_codec: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: Fraction | None = None
    duration: float | None = None  # seconds
    bitrate: int | None = None  # bits/s, whole file


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe(path: Path, role: str, container: str) -> RenditionFile:
    """Read back a file we produced and describe it (we trust our own output, so FFmpeg may probe it)."""
    size = path.stat().st_size
    common = {
        "role": role,
        "path": path,
        "container": container,
        "mime_type": _MIME[container],
        "size_bytes": size,
        "sha256": sha256_of(path),
    }
    if container in {"mp4", "mp3", "wav"}:
        with av.open(str(path), format={"mp4": "mp4", "mp3": "mp3", "wav": "wav"}[container]) as c:
            duration = c.duration / av.time_base if c.duration else None
            v = c.streams.video[0] if c.streams.video else None
            a = c.streams.audio[0] if c.streams.audio else None
            rate = Fraction(v.average_rate).limit_denominator(1001) if v and v.average_rate else None
            return RenditionFile(
                **common,  # type: ignore[arg-type]
                video_codec=v.codec_context.codec.canonical_name if v else None,
                audio_codec=a.codec_context.codec.canonical_name if a else None,
                width=v.codec_context.width if v else None,
                height=v.codec_context.height if v else None,
                frame_rate=rate,
                duration=duration,
                bitrate=round(size * 8 / duration) if duration else None,
            )
    if container in {"jpeg", "png"}:
        with Image.open(path) as img:
            return RenditionFile(**common, width=img.width, height=img.height)  # type: ignore[arg-type]
    return RenditionFile(**common)  # type: ignore[arg-type]


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """A temporary sibling of `final` to write to; renamed over `final` only if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.stem}.{secrets.token_hex(4)}.partial{final.suffix}")
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_atomic(final: Path, data: bytes) -> None:
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)


class ProgressSpan:
    """Maps the 0..1 progress of one step onto a slice of an overall 0..1, never going backwards."""

    def __init__(self, progress: Progress | None, start: float = 0.0, end: float = 1.0) -> None:
        self.progress, self.start, self.end = progress, start, end
        self._last = -1.0

    def __call__(self, fraction: float) -> None:
        if self.progress is None:
            return
        value = self.start + (self.end - self.start) * min(1.0, max(0.0, fraction))
        if value - self._last >= 0.005 or fraction >= 1.0:
            self._last = value
            self.progress(value)

    def sub(self, start: float, end: float) -> ProgressSpan:
        width = self.end - self.start
        return ProgressSpan(self.progress, self.start + width * start, self.start + width * end)
