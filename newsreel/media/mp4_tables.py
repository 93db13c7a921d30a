"""Composition offsets of an MP4/MOV track, read from its sample tables instead of by demuxing every packet.

FFmpeg gives each sample's decode time, file position and keyframe flag from the sample tables
(`Stream.index_entries`) but not its composition offset (`ctts`), so presentation times would otherwise
need a pass that reads every packet of the file. Reading `ctts` directly makes indexing a long video
cost milliseconds. Anything unusual (fragmented files, inconsistent counts, absurd sizes) returns None and
the caller falls back to demuxing.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_MAX_MOOV = 256 * 1024 * 1024  # a 24 h 60 fps track's tables are a few tens of MB
_CONTAINERS = {b"trak", b"mdia", b"minf", b"stbl"}


def composition_offsets(path: Path, track_id: int) -> list[int] | None:
    """Each sample's composition offset (pts - dts, in the track's time base) for track `track_id`."""
    try:
        with open(path, "rb") as f:
            moov = _top_level_moov(f)
    except OSError:
        return None
    if moov is None:
        return None
    for trak in _children(moov, 0, len(moov), b"trak"):
        tables = _track_tables(moov, trak)
        if tables is not None and tables[0] == track_id:
            return tables[1]
    return None


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


def _boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
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
    return [(body, stop) for k, body, stop in _boxes(data, start, end) if k == kind]


def _track_tables(data: bytes, trak: tuple[int, int]) -> tuple[int, list[int]] | None:
    track_id: int | None = None
    ctts: tuple[int, int] | None = None
    samples: int | None = None
    stack = [trak]
    while stack:
        start, end = stack.pop()
        for kind, body, stop in _boxes(data, start, end):
            if kind in _CONTAINERS:
                stack.append((body, stop))
            elif kind == b"tkhd" and stop - body >= 24:
                track_id = struct.unpack_from(">I", data, body + (20 if data[body] == 1 else 12))[0]
            elif kind == b"ctts":
                ctts = (body, stop)
            elif kind == b"stsz" and stop - body >= 12:
                samples = struct.unpack_from(">I", data, body + 8)[0]
    if track_id is None or samples is None:
        return None
    if ctts is None:
        return track_id, [0] * samples
    offsets = _expand_ctts(data, *ctts, samples)
    return None if offsets is None else (track_id, offsets)


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
