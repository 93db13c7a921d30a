"""Opening untrusted media safely.

The container format is decided from the file's first bytes against an allow-list, and the demuxer is then
forced to that format. FFmpeg's probing is never allowed to pick a demuxer itself, because several of them
(hls, concat, image2, tee...) open other files or network URLs named inside the input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

import av
import av.container


class UnsupportedMedia(ValueError):
    """The file is not media we accept; the message is safe to show to an editor."""


class HostileMedia(UnsupportedMedia):
    """The file is of a kind that refers to other files or URLs (playlist, concat script, manifest)."""


class DamagedMedia(UnsupportedMedia):
    """The file looks like accepted media but is truncated or corrupt."""


class MediaTooLarge(UnsupportedMedia):
    """The file exceeds a configured limit (dimensions, pixels, duration, channels)."""


# Demuxer name for each family we accept. MP4, MOV, M4A and 3GP share FFmpeg's "mov" demuxer.
_DEMUXERS = {
    "mov": "mov",
    "mxf": "mxf",
    "wav": "wav",
    "mp3": "mp3",
    "aac": "aac",
}

IMAGE_FAMILIES = frozenset({"jpeg", "png", "tiff"})
AV_FAMILIES = frozenset(_DEMUXERS)

_OPEN_OPTIONS = {
    # Belt and braces: even a demuxer that tries to open a nested resource may use local files only.
    "protocol_whitelist": "file",
    "probesize": str(32 * 1024 * 1024),
}

# QuickTime "reference movies" can point at other files through data references; never follow them.
_FAMILY_OPTIONS = {"mov": {"enable_drefs": "0", "use_absolute_path": "0"}}

_SNIFF_BYTES = 64 * 1024

# Text formats that name other resources; refused by name so the editor knows why.
_REFERENCING_FORMATS = (
    (b"#EXTM3U", "an M3U/HLS playlist"),
    (b"ffconcat", "an FFmpeg concat script"),
    (b"[playlist]", "a PLS playlist"),
    (b"<?xml", "an XML document (DASH manifest, XSPF playlist or similar)"),
    (b"<MPD", "a DASH manifest"),
    (b"<smil", "a SMIL playlist"),
    (b"file ", "an FFmpeg concat script"),
    (b"v=0", "an SDP stream description"),
    (b"http://", "a link, not a media file"),
    (b"https://", "a link, not a media file"),
)

_MPEG_AUDIO_BITRATES = {  # kbit/s by (is MPEG-1, layer) and index 0..14
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MPEG_AUDIO_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mpeg_audio_frame_length(head: bytes, i: int) -> int | None:
    """Length of the MPEG audio (layer II/III) frame starting at `i`; None without a valid header there."""
    if i + 4 > len(head) or head[i] != 0xFF or (head[i + 1] & 0xE0) != 0xE0:
        return None
    version = (head[i + 1] >> 3) & 3
    layer_bits = (head[i + 1] >> 1) & 3
    if version == 1 or layer_bits not in (1, 2):  # reserved version; layer I is not accepted
        return None
    layer = 3 if layer_bits == 1 else 2
    bitrate_index, rate_index, padding = head[i + 2] >> 4, (head[i + 2] >> 2) & 3, (head[i + 2] >> 1) & 1
    if bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    bitrate = _MPEG_AUDIO_BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    rate = _MPEG_AUDIO_RATES[version][rate_index]
    per_frame = 144 if (mpeg1 or layer == 2) else 72
    return per_frame * bitrate // rate + padding


def _adts_frame_length(head: bytes, i: int) -> int | None:
    if i + 7 > len(head) or head[i] != 0xFF or (head[i + 1] & 0xF6) != 0xF0:
        return None
    if (head[i + 2] >> 2) & 0xF >= 13:  # sampling frequency index
        return None
    length = ((head[i + 3] & 3) << 11) | (head[i + 4] << 3) | (head[i + 5] >> 5)
    return length if length >= 7 else None


def _two_frames(head: bytes, i: int, frame_length: Any, file_size: int, offset: int) -> bool:
    """True when a frame header at `i` is followed by another one (or by the end of the file)."""
    first = frame_length(head, i)
    if first is None:
        return False
    nxt = i + first
    if offset + nxt >= file_size:
        return True
    if nxt + 8 > len(head):
        return True  # a large first frame; the demuxer will validate the rest
    return frame_length(head, nxt) is not None


def _id3_size(head: bytes) -> int:
    if head[:3] != b"ID3" or len(head) < 10:
        return 0
    size = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F)
    return 10 + size + (10 if head[5] & 0x10 else 0)


def referencing_format(head: bytes) -> str | None:
    """A description of the playlist/script format `head` starts with, if it is one."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:32]
    for magic, what in _REFERENCING_FORMATS:
        if text[: len(magic)].lower() == magic.lower():
            return what
    return None


def sniff_family(path: Path) -> str | None:
    """The media family (mov, mxf, wav, mp3, aac, jpeg, png, tiff) from magic bytes, or None."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
        if len(head) >= 12 and head[4:8] in {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}:
            return "mov"
        if head[:4] == b"\x06\x0e\x2b\x34":
            return "mxf"
        if head[:4] in {b"RIFF", b"RF64", b"BW64"} and head[8:12] == b"WAVE":
            return "wav"
        if head[:3] == b"\xff\xd8\xff":
            return "jpeg"
        if head[:8] == b"\x89PNG\r\n\x1a\n":
            return "png"
        if head[:4] in {b"II*\x00", b"MM\x00*"}:
            return "tiff"
        offset = _id3_size(head)
        if offset:
            fh.seek(offset)
            head = fh.read(_SNIFF_BYTES)
    if _two_frames(head, 0, _mpeg_audio_frame_length, size, offset):
        return "mp3"
    if _two_frames(head, 0, _adts_frame_length, size, offset):
        return "aac"
    return None


def sniff_container(path: Path) -> str | None:
    """The audio/video container family from magic bytes, or None when the file is not one we accept."""
    family = sniff_family(path)
    return family if family in AV_FAMILIES else None


def raise_refusal(path: Path) -> NoReturn:
    """Raise the editor-facing explanation of why `path` is not accepted media."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        raise UnsupportedMedia(f"{path.name}: the file is empty")
    what = referencing_format(head)
    if what:
        raise HostileMedia(
            f"{path.name}: this is {what}, which points at other files or addresses; "
            "upload the media file itself"
        )
    raise UnsupportedMedia(
        f"{path.name}: not a supported media file (video: MP4, MOV, MXF; "
        "audio: WAV, MP3, AAC; photo: JPEG, PNG, TIFF)"
    )


def check_regular_file(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.is_file():
        raise UnsupportedMedia(f"{p.name}: not a regular file")
    return p


def open_input(path: str | os.PathLike[str], **options: Any) -> av.container.InputContainer:
    """Open a local media file for reading with a format chosen by content, never by FFmpeg's guess."""
    p = check_regular_file(path)
    family = sniff_container(p)
    if family is None:
        raise_refusal(p)
    try:
        return av.open(
            str(p),
            "r",
            format=_DEMUXERS[family],
            options={**_OPEN_OPTIONS, **_FAMILY_OPTIONS.get(family, {}), **options},
        )
    except av.FFmpegError as exc:
        raise DamagedMedia(
            f"{p.name}: the file could not be read as {family.upper()}; "
            f"it may be truncated or damaged ({exc})"
        ) from exc
