"""A minimal ISO MP4 writer whose samples may be stored in any order, and copied file to file by the kernel.

FFmpeg's muxer stores each track's samples in decode order, so a smart cut could not write the GOPs it
copies before the re-encoded head edge was finished. Sample tables point at every chunk, so nothing requires
that order: this writer lets the copied middle be written (with `copy_file_range`, never passing through
Python) while the head is still being encoded, and the head stored after it. The boxes written are those
FFmpeg's muxer writes for the same streams, without the edit lists: what is stored is what plays.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import BinaryIO

_IDENTITY = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
_COPY_STEP = 64 * 1024 * 1024  # per system call, so that progress can be reported and a copy interrupted


class SourceEnded(OSError):
    """The file being copied from is shorter than its sample tables say."""


def box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags), *parts)


@dataclass
class Track:
    """One track's description and samples, indexed in decode order."""

    handler: bytes  # b"vide", b"soun" or b"tmcd"
    timescale: int
    sample_entry: bytes  # the complete sample description box
    durations: list[int] = field(default_factory=list)  # decode time to the next sample
    sizes: list[int] = field(default_factory=list)
    locations: list[int] = field(default_factory=list)  # file offset of each sample
    composition: list[int] | None = None  # pts - dts of each sample; None: all zero
    sync: list[int] | None = None  # 0-based sync sample numbers; None: every sample is one
    display: bytes = _IDENTITY + bytes(8)  # tkhd matrix, width, height
    language: int = 0x55C4  # "und"
    roll_distance: int | None = None  # AAC: every sample needs the one before it decoded
    references: dict[bytes, int] = field(default_factory=dict)  # tref kind -> track number (1-based)

    @property
    def duration(self) -> int:
        return sum(self.durations)

    @cached_property
    def sample_table(self) -> bytes:
        """The `stbl` box; made once, so that a track complete early can have it made while others wait."""
        return _stbl(self)


class Mp4Writer:
    """`ftyp`, one `mdat` filled by `write`/`copy`, then `moov` from the tracks given to `finish`."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        out.write(box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41"))
        self._mdat = out.tell()
        out.write(struct.pack(">I4sQ", 1, b"mdat", 0))  # 64-bit size, patched by finish()
        self.position = out.tell()

    def write(self, data: bytes) -> int:
        """Append `data`; returns its file offset."""
        at = self.position
        self._out.write(data)
        self.position += len(data)
        return at

    def copy(self, source: int, offset: int, length: int) -> int:
        """Append `length` bytes of file descriptor `source` from `offset`; returns their file offset here."""
        at = self.position
        self._out.flush()
        target = self._out.fileno()
        done = 0
        while done < length:
            step = min(_COPY_STEP, length - done)
            try:
                moved = os.copy_file_range(source, target, step, offset + done, at + done)
            except OSError:  # another file system, or a kernel without it: copy through user space
                moved = len(data := os.pread(source, step, offset + done))
                os.pwrite(target, data, at + done)
            if moved <= 0:
                raise SourceEnded(f"the source ended {length - done} bytes early")
            done += moved
        self.position += length
        self._out.seek(self.position)
        return at

    def finish(self, tracks: Sequence[Track]) -> None:
        self._out.seek(self._mdat + 8)
        self._out.write(struct.pack(">Q", self.position - self._mdat))
        self._out.seek(self.position)
        self._out.write(_moov(tracks))
        self._out.flush()


def _moov(tracks: Sequence[Track]) -> bytes:
    movie_scale = 1000
    lengths = [-(-t.duration * movie_scale // t.timescale) for t in tracks]  # rounded up, as FFmpeg does
    mvhd = full_box(b"mvhd", 0, 0, struct.pack(">IIII", 0, 0, movie_scale, max(lengths, default=0)),
                    struct.pack(">IH10x", 0x10000, 0x100), _IDENTITY, bytes(24), struct.pack(">I", len(tracks) + 1))
    return box(b"moov", mvhd, *(_trak(number, t, length) for number, (t, length)
                                in enumerate(zip(tracks, lengths, strict=True), 1)))


_HANDLERS = {b"vide": b"VideoHandler", b"soun": b"SoundHandler", b"tmcd": b"TimeCodeHandler"}


def _trak(number: int, track: Track, length: int) -> bytes:
    # A timecode track is in the movie but not enabled, as FFmpeg and QuickTime write it.
    flags = 2 if track.handler == b"tmcd" else 3
    sound = track.handler == b"soun"
    tkhd = full_box(b"tkhd", 0, flags, struct.pack(">III4xI8x", 0, 0, number, length),
                    struct.pack(">hhH2x", 0, 1 if sound else 0, 0x100 if sound else 0), track.display)
    mdhd = full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, track.timescale, track.duration,
                                                track.language if track.handler != b"tmcd" else 0, 0))
    hdlr = full_box(b"hdlr", 0, 0, bytes(4), track.handler, bytes(12), _HANDLERS[track.handler] + b"\0")
    header = {b"vide": full_box(b"vmhd", 0, 1, bytes(8)), b"soun": full_box(b"smhd", 0, 0, bytes(4)),
              b"tmcd": full_box(b"nmhd", 0, 0)}[track.handler]
    dinf = box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1), full_box(b"url ", 0, 1)))
    minf = box(b"minf", header, dinf, track.sample_table)
    tref = box(b"tref", *(box(kind, struct.pack(">I", ref)) for kind, ref in track.references.items())) \
        if track.references else b""
    return box(b"trak", tkhd, tref, box(b"mdia", mdhd, hdlr, minf))


def _runs(values: Sequence[int]) -> list[tuple[int, int]]:
    """Run-length encoding: (count, value) pairs."""
    out: list[tuple[int, int]] = []
    for value in values:
        if out and out[-1][1] == value:
            out[-1] = (out[-1][0] + 1, value)
        else:
            out.append((1, value))
    return out


def _table(kind: bytes, version: int, rows: Sequence[tuple[int, ...]], row_format: str) -> bytes:
    flat = [v for row in rows for v in row]
    return full_box(kind, version, 0, struct.pack(f">I{row_format * len(rows)}", len(rows), *flat))


def _stbl(track: Track) -> bytes:
    n = len(track.sizes)
    if not (len(track.durations) == len(track.locations) == n):
        raise ValueError("a track's sample tables disagree")
    parts = [full_box(b"stsd", 0, 0, struct.pack(">I", 1), track.sample_entry),
             _table(b"stts", 0, _runs(track.durations), "II")]
    if track.sync is not None:
        parts.append(full_box(b"stss", 0, 0, struct.pack(f">I{len(track.sync)}I", len(track.sync),
                                                          *(s + 1 for s in track.sync))))
    if track.composition is not None and any(track.composition):
        negative = min(track.composition) < 0
        parts.append(_table(b"ctts", 1 if negative else 0, _runs(track.composition), "Ii" if negative else "II"))
    chunks, per_chunk = _chunks(track)
    stsc = [(first, count, 1) for first, count in _first_of_runs(per_chunk)]
    parts.append(_table(b"stsc", 0, stsc, "III"))
    if len(set(track.sizes)) == 1:
        parts.append(full_box(b"stsz", 0, 0, struct.pack(">II", track.sizes[0], n)))
    else:
        parts.append(full_box(b"stsz", 0, 0, struct.pack(f">II{n}I", 0, n, *track.sizes)))
    if chunks and max(chunks) >= 1 << 32:
        parts.append(full_box(b"co64", 0, 0, struct.pack(f">I{len(chunks)}Q", len(chunks), *chunks)))
    else:
        parts.append(full_box(b"stco", 0, 0, struct.pack(f">I{len(chunks)}I", len(chunks), *chunks)))
    if track.roll_distance is not None:
        parts.append(full_box(b"sgpd", 1, 0, b"roll", struct.pack(">IIh", 2, 1, track.roll_distance)))
        parts.append(full_box(b"sbgp", 0, 0, b"roll", struct.pack(">III", 1, n, 1)))
    return box(b"stbl", *parts)


def _chunks(track: Track) -> tuple[list[int], list[int]]:
    """Chunk offsets and samples per chunk: a chunk is a run of samples stored back to back."""
    offsets: list[int] = []
    counts: list[int] = []
    end = -1
    for location, size in zip(track.locations, track.sizes, strict=True):
        if location == end:
            counts[-1] += 1
        else:
            offsets.append(location)
            counts.append(1)
        end = location + size
    return offsets, counts


def _first_of_runs(per_chunk: list[int]) -> list[tuple[int, int]]:
    """stsc rows: (first chunk, 1-based; samples per chunk) where that count changes."""
    rows: list[tuple[int, int]] = []
    for number, count in enumerate(per_chunk, 1):
        if not rows or rows[-1][1] != count:
            rows.append((number, count))
    return rows
