"""The media type of a stored file, decided from its content, never from a name or a stored label.

One check for everything that is stored or served: ingest's (`probe`) when a file comes in, and a sniff of its
first bytes (`media_type_of`) each time one is sent, so that a row written by hand or before this check still
cannot make the portal send HTML or script as a preview.
"""

from __future__ import annotations

from pathlib import Path

from newsreel.media.probe import MediaInfo, iso_container
from newsreel.media.safeio import sniff_family

# The only types a preview is sent inline with: what <video>, <audio> and <img> play or show, and nothing a
# browser runs. Everything else goes out as an attachment of type application/octet-stream.
INLINE_TYPES = frozenset({"video/mp4", "audio/mpeg", "image/jpeg", "image/png"})
ATTACHMENT_TYPE = "application/octet-stream"

_FAMILY_TYPES = {"mxf": "application/mxf", "wav": "audio/wav", "mp3": "audio/mpeg", "aac": "audio/aac",
                 "jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}


def _iso_type(path: Path, audio_only: bool) -> str:
    if iso_container(path) == "mov":
        return "video/quicktime"
    return "audio/mp4" if audio_only else "video/mp4"


def media_type(path: Path, info: MediaInfo) -> str:
    """The type of a file that passed `probe` (its MediaInfo)."""
    if info.container in ("mp4", "mov"):
        return _iso_type(path, info.kind == "audio")
    return _FAMILY_TYPES.get(info.container, ATTACHMENT_TYPE)


def media_type_of(path: Path) -> str | None:
    """The type of an accepted media file from its first bytes, or None when it is not one (HTML, script, text,
    JSON, a playlist...). An MP4 counts as video unless its brand says audio (M4A)."""
    try:
        family = sniff_family(path)
    except OSError:
        return None
    if family == "mov":
        with open(path, "rb") as fh:
            brand = fh.read(12)[8:12]
        return _iso_type(path, brand in (b"M4A ", b"M4B "))
    return _FAMILY_TYPES.get(family or "")
