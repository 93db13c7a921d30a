"""MP4 files whose boxes lie, written box by box from a real small MP4 (for the hostile-input tests)."""

from __future__ import annotations

import struct
from pathlib import Path

import av

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"dinf", b"edts"}


def _box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full(kind: bytes, body: bytes, version: int = 0, flags: int = 0) -> bytes:
    return _box(kind, struct.pack(">I", version << 24 | flags), body)


def find_box(data: bytes, path: list[bytes], start: int = 0, end: int | None = None) -> bytes:
    """The first box at `path` (e.g. [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd"]), header included."""
    end = len(data) if end is None else end
    while start + 8 <= end:
        size, kind = struct.unpack(">I4s", data[start:start + 8])
        if kind == path[0]:
            if len(path) == 1:
                return data[start:start + size]
            if kind in _CONTAINERS:
                return find_box(data, path[1:], start + 8, start + size)
        start += size
    raise LookupError(path)


def repeated_picture_mp4(source: Path, dest: Path, *, samples: int, declared_seconds: int,
                         timescale: int = 12800, rate: int = 25) -> Path:
    """A video-only MP4 whose headers say `declared_seconds`, with a sample table that shows the first
    picture of `source` `samples` times: every chunk offset points at the same few hundred bytes."""
    data = source.read_bytes()
    stsd = find_box(data, [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd"])  # the first track is video
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        picture = next(bytes(p) for p in container.demux(stream) if p.is_keyframe and p.size)
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 512), b"isomiso2avc1mp41")
    mdat = _box(b"mdat", picture)
    offset = len(ftyp) + 8
    declared = declared_seconds * timescale
    delta = timescale // rate
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _full(b"mvhd", struct.pack(">IIII", 0, 0, timescale, declared) + struct.pack(">IH", 0x10000, 0x100)
                 + bytes(10) + matrix + bytes(24) + struct.pack(">I", 2))
    tkhd = _full(b"tkhd", struct.pack(">IIIII", 0, 0, 1, 0, declared) + bytes(8) + struct.pack(">HHHH", 0, 0, 0, 0)
                 + matrix + struct.pack(">II", width << 16, height << 16), flags=3)
    mdhd = _full(b"mdhd", struct.pack(">IIII", 0, 0, timescale, declared) + struct.pack(">HH", 0x55C4, 0))
    hdlr = _full(b"hdlr", bytes(4) + b"vide" + bytes(12) + b"VideoHandler\x00")
    vmhd = _full(b"vmhd", bytes(8), flags=1)
    dinf = _box(b"dinf", _full(b"dref", struct.pack(">I", 1) + _full(b"url ", b"", flags=1)))
    stts = _full(b"stts", struct.pack(">III", 1, samples, delta) if samples else struct.pack(">I", 0))
    stsz = _full(b"stsz", struct.pack(">II", len(picture), samples))
    stsc = _full(b"stsc", struct.pack(">IIII", 1, 1, 1, 1) if samples else struct.pack(">I", 0))
    stco = _full(b"stco", struct.pack(">I", samples) + struct.pack(">I", offset) * samples)
    stbl = _box(b"stbl", stsd, stts, stsz, stsc, stco)
    trak = _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, _box(b"minf", vmhd, dinf, stbl)))
    dest.write_bytes(ftyp + mdat + _box(b"moov", mvhd, trak))
    return dest


def trimmed_by_edit_list(source: Path, dest: Path, *, seconds: float) -> Path:
    """`source` trimmed to its first `seconds` the way QuickTime trims without re-muxing: every sample stays in
    the file, and the edit lists, movie and track durations say what is shown. Legitimate, not a lie."""
    data = bytearray(source.read_bytes())
    mvhd = data.find(b"mvhd")  # version 0 boxes, as our muxer writes them
    timescale = struct.unpack(">I", data[mvhd + 16 : mvhd + 20])[0]
    shown = struct.pack(">I", round(seconds * timescale))
    data[mvhd + 20 : mvhd + 24] = shown
    for kind, offset in ((b"tkhd", 24), (b"elst", 12)):
        at = 0
        while (at := data.find(kind, at + 1)) > 0:
            data[at + offset : at + offset + 4] = shown
    dest.write_bytes(bytes(data))
    return dest
