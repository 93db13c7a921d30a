"""Opening untrusted media safely.

The container format is decided from the file's first bytes against an allow-list, and the demuxer is then
forced to that format. FFmpeg's probing is never allowed to pick a demuxer itself, because several of them
(hls, concat, image2, tee...) open other files or network URLs named inside the input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import av
import av.container


class UnsupportedMedia(ValueError):
    """The file is not media we accept; the message is safe to show to an editor."""


# Demuxer name for each family we accept. MP4, MOV, M4A and 3GP share FFmpeg's "mov" demuxer.
_DEMUXERS = {
    "mov": "mov",
    "mxf": "mxf",
    "wav": "wav",
    "mp3": "mp3",
    "aac": "aac",
}

_OPEN_OPTIONS = {
    # Belt and braces: even a demuxer that tries to open a nested resource may use local files only.
    "protocol_whitelist": "file",
    "probesize": str(32 * 1024 * 1024),
}


def sniff_container(path: Path) -> str | None:
    """The container family from magic bytes, or None when the file is not one we accept."""
    with open(path, "rb") as fh:
        head = fh.read(64)
    if len(head) >= 12 and head[4:8] in {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}:
        return "mov"
    if head[:4] == b"\x06\x0e\x2b\x34":
        return "mxf"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE6) in {0xE2, 0xE4, 0xE6}):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xF6) == 0xF0:
        return "aac"
    return None


def open_input(path: str | os.PathLike[str], **options: Any) -> av.container.InputContainer:
    """Open a local media file for reading with a format chosen by content, never by FFmpeg's guess."""
    p = Path(path)
    if not p.is_file():
        raise UnsupportedMedia(f"{p.name}: not a regular file")
    family = sniff_container(p)
    if family is None:
        raise UnsupportedMedia(f"{p.name}: not a supported audio or video file (MP4, MOV, MXF, WAV, MP3, AAC)")
    try:
        return av.open(str(p), "r", format=_DEMUXERS[family], options={**_OPEN_OPTIONS, **options})
    except av.FFmpegError as exc:
        raise UnsupportedMedia(f"{p.name}: the file could not be read as {family.upper()} ({exc})") from exc
