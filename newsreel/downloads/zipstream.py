"""A ZIP written straight to the response: no temporary file, memory bounded by one chunk.

zipfile writes to a non-seekable stream by putting each member's sizes and CRC in a data descriptor after
its bytes; we hand it a writer that only collects what it is given, and yield that after every chunk.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 256 * 1024


@dataclass(frozen=True)
class Member:
    name: str
    path: Path | None = None
    text: str | None = None
    mtime: float | None = None


class _Sink:
    """A write-only, non-seekable file object that buffers until drained."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def stream_zip(members: Iterable[Member]) -> Iterator[bytes]:
    """JPEG and video are already compressed, so members are stored; text is deflated."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", allowZip64=True) as archive:  # type: ignore[call-overload]
        for member in members:
            stamp = time.localtime(member.mtime if member.mtime is not None else
                                   (member.path.stat().st_mtime if member.path else time.time()))
            info = zipfile.ZipInfo(member.name, date_time=stamp[:6])
            if member.text is not None:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, member.text.encode("utf-8"))
                yield sink.drain()
                continue
            assert member.path is not None
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = member.path.stat().st_size
            with open(member.path, "rb") as source, archive.open(info, "w", force_zip64=True) as target:
                for block in iter(lambda: source.read(CHUNK), b""):
                    target.write(block)
                    data = sink.drain()
                    if data:
                        yield data
            yield sink.drain()
    yield sink.drain()
