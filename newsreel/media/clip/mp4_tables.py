"""What FFmpeg does not tell about an MP4/MOV track, read from its sample tables: composition offsets, the
sample description and the display geometry.

FFmpeg gives each sample's decode time, file position and keyframe flag from the sample tables
(`Stream.index_entries`) but not its composition offset (`ctts`), so presentation times would otherwise
need a pass that reads every packet of the file. Reading `ctts` directly makes indexing a long video
cost milliseconds. Anything unusual (fragmented files, inconsistent counts, absurd sizes) returns None and
the caller falls back to demuxing.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_MAX_MOOV = 256 * 1024 * 1024  # a 24 h 60 fps track's tables are a few tens of MB
_CONTAINERS = {b"trak", b"mdia", b"minf", b"stbl"}


@dataclass(frozen=True)
class TrackTables:
    offsets: list[int]  # each sample's composition offset (pts - dts, in the track's time base)
    sample_entry: bytes | None  # the track's sample description box, when it has exactly one
    display: bytes  # tkhd's matrix, width and height (44 bytes): how the track is shown
    language: int  # mdhd's packed ISO 639-2 code


def read_tracks(path: Path) -> dict[int, TrackTables] | None:
    """The tables of every track, by track id; None when the file is not a plain MP4/MOV."""
    try:
        with open(path, "rb") as f:
            moov = _top_level_moov(f)
    except OSError:
        return None
    if moov is None:
        return None
    found = {}
    for trak in _children(moov, 0, len(moov), b"trak"):
        tables = _track_tables(moov, trak)
        if tables is not None:
            found[tables[0]] = tables[1]
    return found


def _top_level_moov(f: BinaryIO) -> bytes | None:
    size = f.seek(0, 2)
    at, moov = 0, None
    while at + 8 <= size:
        f.seek(at)
        header = f.read(16)
        if len(header) < 8:
            return None
        length, kind = struct.unpack(">I4s", header[:8])
        head = 8
        if length == 1:
            if len(header) < 16:
                return None
            length, head = struct.unpack(">Q", header[8:16])[0], 16
        elif length == 0:
            length = size - at
        if length < head or at + length > size:
            return None
        if kind == b"moof":
            return None  # fragmented: samples are described outside moov
        if kind == b"moov":
            if moov is not None or length - head > _MAX_MOOV:
                return None
            f.seek(at + head)
            moov = f.read(length - head)
        at += length
    return moov


def boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(kind, body start, box end) of the boxes between start and end; empty when they don't fit."""
    found = []
    while start + 8 <= end:
        length, kind = struct.unpack_from(">I4s", data, start)
        head = 8
        if length == 1 and start + 16 <= end:
            length, head = struct.unpack_from(">Q", data, start + 8)[0], 16
        elif length == 0:
            length = end - start
        if length < head or start + length > end:
            return []
        found.append((kind, start + head, start + length))
        start += length
    return found


def _children(data: bytes, start: int, end: int, kind: bytes) -> list[tuple[int, int]]:
    return [(body, stop) for k, body, stop in boxes(data, start, end) if k == kind]


def _track_tables(data: bytes, trak: tuple[int, int]) -> tuple[int, TrackTables] | None:
    track = _TrackBoxes()
    stack = [trak]
    while stack:
        start, end = stack.pop()
        for kind, body, stop in boxes(data, start, end):
            if kind in _CONTAINERS:
                stack.append((body, stop))
            else:
                track.read(data, kind, body, stop)
    if track.track_id is None or track.samples is None or len(track.display) != 44:
        return None
    samples = track.samples
    offsets = [0] * samples if track.ctts is None else _expand_ctts(data, *track.ctts, samples)
    return None if offsets is None else (track.track_id, TrackTables(offsets, track.entry, track.display,
                                                                     track.language))


@dataclass
class _TrackBoxes:
    """What a trak's boxes (ISO/IEC 14496-12) say of its samples; a box too short to hold its fields is ignored."""

    track_id: int | None = None
    display: bytes = b""  # tkhd's matrix, width and height
    language: int = 0x55C4  # "und"
    ctts: tuple[int, int] | None = None  # (body, end) of the composition offsets
    entry: bytes | None = None  # the sample entry, when stsd holds exactly one
    samples: int | None = None

    def read(self, data: bytes, kind: bytes, body: int, stop: int) -> None:
        if kind == b"tkhd" and stop - body >= 84:
            long = data[body] == 1
            self.track_id = struct.unpack_from(">I", data, body + (20 if long else 12))[0]
            self.display = data[stop - 44:stop]
        elif kind == b"mdhd" and stop - body >= 24:
            self.language = struct.unpack_from(">H", data, body + (32 if data[body] == 1 else 20))[0]
        elif kind == b"ctts":
            self.ctts = (body, stop)
        elif kind == b"stsd" and stop - body >= 8:
            entries = boxes(data, body + 8, stop)
            if struct.unpack_from(">I", data, body + 4)[0] == 1 and len(entries) == 1:
                self.entry = data[body + 8:entries[0][2]]
        elif kind == b"stsz" and stop - body >= 12:
            self.samples = struct.unpack_from(">I", data, body + 8)[0]


def _expand_ctts(data: bytes, body: int, stop: int, samples: int) -> list[int] | None:
    if stop - body < 8:
        return None
    count = struct.unpack_from(">I", data, body + 4)[0]
    if body + 8 + 8 * count > stop:
        return None
    offsets: list[int] = []
    # Version 0 offsets are unsigned by the letter of the spec, but muxers write negative ones there too;
    # FFmpeg reads both versions as signed, and so must we to agree with its timestamps.
    for run, offset in struct.iter_unpack(">Ii", data[body + 8:body + 8 + 8 * count]):
        if len(offsets) + run > samples:
            return None
        offsets.extend([offset] * run)
    return offsets if len(offsets) == samples else None
