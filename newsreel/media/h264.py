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
        sps = [n for n in nals if nal_type(n) == NAL_SPS]
        return cls(4, sps, [n for n in nals if nal_type(n) == NAL_PPS])

    def build(self) -> bytes:
        if not self.sps or not self.pps:
            raise H264Error("an avcC record needs at least one SPS and one PPS")
        if len(self.sps) > 31:
            raise H264Error("too many SPS for one avcC record")
        compat = 0xFF
        for s in self.sps:
            compat &= s[2]
        level = max(s[3] for s in self.sps)
        out = bytearray([1, self.sps[0][1], compat, level, 0xFC | (self.length_size - 1),
                         0xE0 | len(self.sps)])
        for s in self.sps:
            out += len(s).to_bytes(2, "big") + s
        out.append(len(self.pps))
        for p in self.pps:
            out += len(p).to_bytes(2, "big") + p
        return bytes(out + self.extension)


def _se(reader: BitReader) -> int:
    value = reader.ue()
    return (value + 1) // 2 if value & 1 else -(value // 2)


_HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


@dataclass(frozen=True)
class SpsInfo:
    sps_id: int
    separate_colour_plane: bool
    log2_max_frame_num: int
    poc_type: int
    log2_max_poc_lsb: int
    frame_mbs_only: bool


@dataclass(frozen=True)
class PpsInfo:
    pps_id: int
    sps_id: int


def parse_sps(nal: bytes) -> SpsInfo:
    """The SPS fields needed to read slice headers up to pic_order_cnt_lsb."""
    r = BitReader(unescape(nal[1:]))
    profile = r.bits(8)
    r.bits(16)  # constraint flags, level
    ident = r.ue()
    separate = False
    if profile in _HIGH_PROFILES:
        chroma = r.ue()
        if chroma == 3:
            separate = bool(r.bit())
        r.ue()  # bit depth luma
        r.ue()  # bit depth chroma
        r.bit()  # qpprime_y_zero_transform_bypass
        if r.bit():  # seq_scaling_matrix_present
            for i in range(8 if chroma != 3 else 12):
                if r.bit():
                    last, nxt = 8, 8
                    for _ in range(16 if i < 6 else 64):
                        if nxt:
                            nxt = (last + _se(r)) % 256
                        last = nxt or last
    log2_max_frame_num = r.ue() + 4
    poc_type = r.ue()
    log2_max_poc_lsb = 0
    if poc_type == 0:
        log2_max_poc_lsb = r.ue() + 4
    elif poc_type == 1:
        r.bit()
        _se(r)
        _se(r)
        for _ in range(r.ue()):
            _se(r)
    r.ue()  # max_num_ref_frames
    r.bit()  # gaps_in_frame_num_value_allowed
    r.ue()  # width in MBs
    r.ue()  # height in map units
    frame_mbs_only = bool(r.bit())
    return SpsInfo(ident, separate, log2_max_frame_num, poc_type, log2_max_poc_lsb, frame_mbs_only)


def parse_pps(nal: bytes) -> PpsInfo:
    pps, sps = pps_ids(nal)
    return PpsInfo(pps, sps)


class PocCounter:
    """Picture order counts of a stream's pictures in decode order (types 0 and 2), for display order.

    Used when a container (e.g. some MXF files) gives no reliable presentation times.
    """

    def __init__(self) -> None:
        self.sps: dict[int, SpsInfo] = {}
        self.pps: dict[int, PpsInfo] = {}
        self.prev_msb = 0
        self.prev_lsb = 0
        self.sequence = -1  # counts IDR pictures: POC restarts at each
        self.decoded = 0

    def picture(self, nals: list[bytes]) -> tuple[int, int]:
        """(coded video sequence number, POC) of the access unit made of `nals`."""
        for nal in nals:
            kind = nal_type(nal)
            if kind == NAL_SPS:
                info = parse_sps(nal)
                self.sps[info.sps_id] = info
            elif kind == NAL_PPS:
                pinfo = parse_pps(nal)
                self.pps[pinfo.pps_id] = pinfo
        for nal in nals:
            kind = nal_type(nal)
            if kind in (NAL_SLICE, NAL_IDR):
                return self._slice(nal, kind == NAL_IDR, nal[0] >> 5 != 0)
        raise H264Error("access unit without a slice")

    def _slice(self, nal: bytes, idr: bool, reference: bool) -> tuple[int, int]:
        r = BitReader(unescape(nal[1:40]))
        r.ue()  # first_mb_in_slice
        r.ue()  # slice_type
        pps = self.pps.get(r.ue())
        if pps is None or pps.sps_id not in self.sps:
            raise H264Error("slice refers to an unknown parameter set")
        sps = self.sps[pps.sps_id]
        if sps.separate_colour_plane:
            r.bits(2)
        r.bits(sps.log2_max_frame_num)  # frame_num
        if not sps.frame_mbs_only and r.bit():  # field_pic_flag
            r.bit()  # bottom_field_flag
        if idr:
            r.ue()  # idr_pic_id
            self.sequence += 1
            self.prev_msb = self.prev_lsb = 0
        self.decoded += 1
        if sps.poc_type == 2:
            return self.sequence, self.decoded  # output order equals decode order
        if sps.poc_type != 0:
            raise H264Error("picture order count type 1 is not supported")
        lsb = r.bits(sps.log2_max_poc_lsb)
        half = 1 << (sps.log2_max_poc_lsb - 1)
        if lsb < self.prev_lsb and self.prev_lsb - lsb >= half:
            msb = self.prev_msb + 2 * half
        elif lsb > self.prev_lsb and lsb - self.prev_lsb > half:
            msb = self.prev_msb - 2 * half
        else:
            msb = self.prev_msb
        if reference:
            self.prev_msb, self.prev_lsb = msb, lsb
        return self.sequence, msb + lsb
