"""Just enough H.264 bitstream handling for the smart cut: NAL framing, parameter set ids, avcC records.

Nothing here decodes pictures. It splits access units into NAL units (length-prefixed as in MP4/MOV, or
Annex B as in MXF and raw encoder output), reads the few Exp-Golomb fields that name parameter sets, and
builds an `avcC` configuration record that may carry several SPS/PPS pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

NAL_SLICE = 1
NAL_IDR = 5
NAL_SEI = 6
NAL_SPS = 7
NAL_PPS = 8
NAL_AUD = 9

_START_CODE = re.compile(b"\x00\x00\x01")
_EMULATION = re.compile(b"\x00\x00\x03(?=[\x00-\x03])")


class H264Error(ValueError):
    """The bitstream is not something the clip engine can splice."""


def unescape(rbsp: bytes) -> bytes:
    """Remove emulation-prevention bytes (00 00 03 -> 00 00)."""
    return _EMULATION.sub(b"\x00\x00", rbsp)


class BitReader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def bit(self) -> int:
        byte = self.pos >> 3
        if byte >= len(self.data):
            raise H264Error("truncated NAL unit")
        value = (self.data[byte] >> (7 - (self.pos & 7))) & 1
        self.pos += 1
        return value

    def bits(self, n: int) -> int:
        value = 0
        for _ in range(n):
            value = (value << 1) | self.bit()
        return value

    def ue(self) -> int:
        zeros = 0
        while self.bit() == 0:
            zeros += 1
            if zeros > 31:
                raise H264Error("bad Exp-Golomb code")
        return (1 << zeros) - 1 + self.bits(zeros)


def nal_type(nal: bytes) -> int:
    return nal[0] & 0x1F


def split_length_prefixed(data: bytes, length_size: int = 4) -> Iterator[bytes]:
    pos, end = 0, len(data)
    while pos + length_size <= end:
        size = int.from_bytes(data[pos:pos + length_size], "big")
        pos += length_size
        if size == 0 or pos + size > end:
            raise H264Error("corrupt length-prefixed access unit")
        yield data[pos:pos + size]
        pos += size


def split_annexb(data: bytes) -> Iterator[bytes]:
    starts = [m.end() for m in _START_CODE.finditer(data)]
    for i, begin in enumerate(starts):
        stop = starts[i + 1] - 3 if i + 1 < len(starts) else len(data)
        nal = data[begin:stop].rstrip(b"\x00") if i + 1 < len(starts) else data[begin:stop]
        if nal:
            yield nal


def is_annexb(data: bytes) -> bool:
    return data[:3] == b"\x00\x00\x01" or data[:4] == b"\x00\x00\x00\x01"


def to_length_prefixed(nals: list[bytes]) -> bytes:
    return b"".join(len(n).to_bytes(4, "big") + n for n in nals)


def sps_id(sps: bytes) -> int:
    reader = BitReader(unescape(sps[4:12]))
    return reader.ue()


def pps_ids(pps: bytes) -> tuple[int, int]:
    """(pps_id, sps_id) of a PPS NAL unit."""
    reader = BitReader(unescape(pps[1:10]))
    return reader.ue(), reader.ue()


def slice_pps_id(nal: bytes) -> int:
    reader = BitReader(unescape(nal[1:16]))
    reader.ue()  # first_mb_in_slice
    reader.ue()  # slice_type
    return reader.ue()


@dataclass
class AvcConfig:
    """The contents of an `avcC` box (ISO/IEC 14496-15 AVCDecoderConfigurationRecord)."""

    length_size: int
    sps: list[bytes]
    pps: list[bytes]
    extension: bytes = b""  # chroma format / bit depth fields for High profiles, kept verbatim

    @classmethod
    def parse(cls, record: bytes) -> AvcConfig:
        if len(record) < 7 or record[0] != 1:
            raise H264Error("not an avcC record")
        length_size = (record[4] & 3) + 1
        count, pos = record[5] & 0x1F, 6
        sps: list[bytes] = []
        for _ in range(count):
            size = int.from_bytes(record[pos:pos + 2], "big")
            sps.append(record[pos + 2:pos + 2 + size])
            pos += 2 + size
        count, pos = record[pos], pos + 1
        pps: list[bytes] = []
        for _ in range(count):
            size = int.from_bytes(record[pos:pos + 2], "big")
            pps.append(record[pos + 2:pos + 2 + size])
            pos += 2 + size
        return cls(length_size, sps, pps, record[pos:])

    @classmethod
    def from_annexb(cls, data: bytes) -> AvcConfig:
        nals = list(split_annexb(data))
        return cls(4, [n for n in nals if nal_type(n) == NAL_SPS], [n for n in nals if nal_type(n) == NAL_PPS])

    def build(self) -> bytes:
        if not self.sps or not self.pps:
            raise H264Error("an avcC record needs at least one SPS and one PPS")
        if len(self.sps) > 31:
            raise H264Error("too many SPS for one avcC record")
        compat = 0xFF
        for s in self.sps:
            compat &= s[2]
        level = max(s[3] for s in self.sps)
        out = bytearray([1, self.sps[0][1], compat, level, 0xFC | (self.length_size - 1), 0xE0 | len(self.sps)])
        for s in self.sps:
            out += len(s).to_bytes(2, "big") + s
        out.append(len(self.pps))
        for p in self.pps:
            out += len(p).to_bytes(2, "big") + p
        return bytes(out + self.extension)
