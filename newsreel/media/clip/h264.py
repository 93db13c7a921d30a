"""The H.264 bitstream handling of the smart cut: it reads headers and rewrites a few, and decodes no picture.

- NAL framing: access units split into NAL units, length-prefixed (MP4/MOV) or Annex B (MXF, raw encoder
  output), and joined back; emulation prevention removed and restored.
- Parameter sets: `avcC` records (ISO/IEC 14496-15) read and built with several SPS/PPS pairs; the SPS and PPS
  fields the engine needs (7.3.2.1.1, 7.3.2.2), the format the VUI declares (Annex E), and an SPS rewritten to
  allow gaps in frame_num.
- Picture order: `PocCounter` gives display order (POC types 0 and 2, 8.2.1) where a container has no
  reliable presentation times.
- Splicing: `SpliceRewriter` turns an open GOP's I picture into an IDR picture and rewrites the slice headers
  (7.3.3) that follow it: frame_num renumbered, memory management operations (7.3.3.3) on pictures the clip no
  longer holds removed.

Section and table numbers are those of ITU-T H.264 (08/2021).
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
    chroma_format: int = 1
    max_refs: int = 1


@dataclass(frozen=True)
class PpsInfo:
    pps_id: int
    sps_id: int


def parse_sps(nal: bytes) -> SpsInfo:
    """The SPS fields needed to read slice headers up to pic_order_cnt_lsb."""
    return _read_sps(nal)[0]


@dataclass(frozen=True)
class SpsFormat:
    """How an SPS says its pictures are to be shown (the VUI), as FFmpeg's decoder reports it."""

    chroma_format: int
    bit_depth: int
    progressive: bool  # frame_mbs_only: no field or MBAFF coding
    sample_aspect_ratio: tuple[int, int] | None
    full_range: bool | None  # None: no video signal type
    primaries: int | None  # None: no colour description
    transfer: int | None
    matrix: int | None


_SAR = [(0, 0), (1, 1), (12, 11), (10, 11), (16, 11), (40, 33), (24, 11), (20, 11), (32, 11), (80, 33), (18, 11),
        (15, 11), (64, 33), (160, 99), (4, 3), (3, 2), (2, 1)]


def sps_format(nal: bytes) -> SpsFormat:
    info, r, depth = _read_sps(nal)
    if not info.frame_mbs_only:
        r.bit()  # mb_adaptive_frame_field
    r.bit()  # direct_8x8_inference
    if r.bit():  # frame_cropping
        for _ in range(4):
            r.ue()
    sar: tuple[int, int] | None = None
    full_range: bool | None = None
    colour: tuple[int, int, int] | None = None
    if r.bit():  # vui_parameters_present
        if r.bit():  # aspect_ratio_info_present
            idc = r.bits(8)
            sar = (r.bits(16), r.bits(16)) if idc == 255 else _SAR[idc] if idc < len(_SAR) else None
        if r.bit():  # overscan_info_present
            r.bit()
        if r.bit():  # video_signal_type_present
            r.bits(3)  # video_format
            full_range = bool(r.bit())
            if r.bit():  # colour_description_present
                colour = (r.bits(8), r.bits(8), r.bits(8))
    if sar is not None and 0 in sar:
        sar = None
    return SpsFormat(info.chroma_format, depth, info.frame_mbs_only, sar, full_range,
                     *(colour if colour else (None, None, None)))


def _scaling_list(r: BitReader, size: int) -> None:
    """scaling_list() (7.3.2.1.1.1), skipped: the splice copies the SPS and never needs the matrices."""
    last, nxt = 8, 8
    for _ in range(size):
        if nxt:
            nxt = (last + _se(r)) % 256
        last = nxt or last


@dataclass(frozen=True)
class _SpsHead:
    """seq_parameter_set_data() (7.3.2.1.1) from profile_idc to max_num_ref_frames."""

    profile: int
    sps_id: int
    chroma_format: int
    separate_colour_plane: bool
    bit_depth: int
    log2_max_frame_num: int
    poc_type: int
    log2_max_poc_lsb: int
    max_refs: int


def _sps_head(r: BitReader) -> _SpsHead:
    profile = r.bits(8)
    r.bits(16)  # constraint flags, level
    ident = r.ue()
    chroma, separate, depth = 1, False, 8
    if profile in _HIGH_PROFILES:
        chroma, separate, depth = _sps_high_profile(r)
    log2_max_frame_num = r.ue() + 4
    poc_type = r.ue()
    log2_max_poc_lsb = 0
    if poc_type == 0:
        log2_max_poc_lsb = r.ue() + 4
    elif poc_type == 1:
        r.bit()  # delta_pic_order_always_zero_flag
        _se(r)  # offset_for_non_ref_pic
        _se(r)  # offset_for_top_to_bottom_field
        for _ in range(r.ue()):  # num_ref_frames_in_pic_order_cnt_cycle
            _se(r)
    return _SpsHead(profile, ident, chroma, separate, depth, log2_max_frame_num, poc_type, log2_max_poc_lsb,
                    r.ue())


def _sps_high_profile(r: BitReader) -> tuple[int, bool, int]:
    """(chroma_format_idc, separate_colour_plane_flag, luma bit depth): the fields only High profiles carry."""
    chroma = r.ue()
    separate = bool(r.bit()) if chroma == 3 else False
    depth = r.ue() + 8  # luma
    r.ue()  # bit depth chroma
    r.bit()  # qpprime_y_zero_transform_bypass
    if r.bit():  # seq_scaling_matrix_present
        for i in range(8 if chroma != 3 else 12):
            if r.bit():  # seq_scaling_list_present_flag[i]
                _scaling_list(r, 16 if i < 6 else 64)
    return chroma, separate, depth


def _read_sps(nal: bytes) -> tuple[SpsInfo, BitReader, int]:
    r = BitReader(unescape(nal[1:]))
    head = _sps_head(r)
    r.bit()  # gaps_in_frame_num_value_allowed
    r.ue()  # width in MBs
    r.ue()  # height in map units
    frame_mbs_only = bool(r.bit())
    info = SpsInfo(head.sps_id, head.separate_colour_plane, head.log2_max_frame_num, head.poc_type,
                   head.log2_max_poc_lsb, frame_mbs_only, 0 if head.separate_colour_plane else head.chroma_format,
                   head.max_refs)
    return info, r, head.bit_depth


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


def escape(rbsp: bytes) -> bytes:
    """Insert emulation-prevention bytes so that no start code appears inside a NAL unit."""
    out = bytearray()
    zeros = 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


class BitWriter:
    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def bits(self, value: int, n: int) -> None:
        self.value = (self.value << n) | (value & ((1 << n) - 1))
        self.length += n

    def ue(self, value: int) -> None:
        code = value + 1
        n = code.bit_length()
        self.bits(0, n - 1)
        self.bits(code, n)

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def to_bytes(self) -> bytes:
        assert self.length % 8 == 0
        return self.value.to_bytes(self.length // 8, "big")


def _copy_ue(r: BitReader, w: BitWriter) -> int:
    value = r.ue()
    w.ue(value)
    return value


def _copy_se(r: BitReader, w: BitWriter) -> int:
    value = _se(r)
    w.se(value)
    return value


@dataclass(frozen=True)
class PpsFull:
    pps_id: int
    sps_id: int
    cabac: bool
    bottom_field_pic_order: bool
    slice_groups: int
    deblocking_control: bool
    redundant_pic_cnt: bool
    refs_l0: int = 1
    refs_l1: int = 1
    weighted_pred: bool = False
    weighted_bipred: int = 0


def parse_pps_full(nal: bytes) -> PpsFull:
    r = BitReader(unescape(nal[1:]))
    pps_id, sps = r.ue(), r.ue()
    cabac, bottom = bool(r.bit()), bool(r.bit())
    groups = r.ue() + 1
    if groups > 1:
        return PpsFull(pps_id, sps, cabac, bottom, groups, False, False)
    refs_l0, refs_l1 = r.ue() + 1, r.ue() + 1
    weighted, bipred = bool(r.bit()), r.bits(2)
    _se(r)  # pic_init_qp_minus26
    _se(r)  # pic_init_qs_minus26
    _se(r)  # chroma_qp_index_offset
    deblocking = bool(r.bit())
    r.bit()  # constrained_intra_pred_flag
    return PpsFull(pps_id, sps, cabac, bottom, groups, deblocking, bool(r.bit()), refs_l0, refs_l1, weighted,
                   bipred)


def _sps_gaps_bit(nal: bytes) -> int:
    """Bit offset (in the unescaped NAL, header included) of gaps_in_frame_num_value_allowed_flag."""
    r = BitReader(unescape(nal))
    r.bits(8)  # NAL unit header
    _sps_head(r)
    return r.pos


def allow_frame_num_gaps(sps: bytes) -> bytes:
    """The same SPS with gaps_in_frame_num_value_allowed_flag set.

    Dropping the leading pictures of an open GOP leaves a hole in frame_num; with the flag set the decoder
    fills it with 'non-existing' frames, which keep the reference lists of the following pictures as they
    were.
    """
    raw = bytearray(unescape(sps))
    pos = _sps_gaps_bit(sps)
    raw[pos >> 3] |= 0x80 >> (pos & 7)
    return escape(bytes(raw))


# slice_type values modulo 5 (Table 7-6).
SLICE_P, SLICE_B, SLICE_I, SLICE_SP, SLICE_SI = range(5)

# Table 7-9, memory_management_control_operation: the syntax elements that follow each operation in
# dec_ref_pic_marking() (7.3.3.3). An unknown operation is taken to have none.
MMCO_ARGUMENTS: dict[int, tuple[str, ...]] = {
    1: ("difference_of_pic_nums_minus1",),  # short-term picture -> unused for reference
    2: ("long_term_pic_num",),  # long-term picture -> unused for reference
    3: ("difference_of_pic_nums_minus1", "long_term_frame_idx"),  # short-term picture -> long-term
    4: ("max_long_term_frame_idx_plus1",),  # long-term indices above it -> unused for reference
    5: (),  # all pictures -> unused for reference
    6: ("long_term_frame_idx",),  # current picture -> long-term
}

Mmco = tuple[int, list[int]]  # (memory_management_control_operation, its arguments in MMCO_ARGUMENTS order)


@dataclass(frozen=True)
class _SliceHeader:
    first_mb: int
    slice_type: int  # modulo 5
    pps: PpsFull
    sps: SpsInfo
    frame_num: int  # renumbered


def _copy_num_ref_idx_active(r: BitReader, w: BitWriter, slice_type: int, pps: PpsFull) -> list[int]:
    """num_ref_idx_active_override_flag and what follows it (7.3.3): the active entries of each list."""
    refs = [pps.refs_l0, pps.refs_l1]
    w.bits(override := r.bit(), 1)
    if override:
        refs[0] = _copy_ue(r, w) + 1  # num_ref_idx_l0_active_minus1
        if slice_type == SLICE_B:
            refs[1] = _copy_ue(r, w) + 1  # num_ref_idx_l1_active_minus1
    return refs[:1 if slice_type == SLICE_P else 2]


def _copy_ref_pic_list_modification(r: BitReader, w: BitWriter, slice_type: int) -> None:
    """ref_pic_list_modification() (7.3.3.1), copied as is: abs_diff_pic_num counts back from the current
    picture, and renumbering frame_num moves every picture alike."""
    for _ in range(1 if slice_type == SLICE_P else 2):
        w.bits(flag := r.bit(), 1)  # ref_pic_list_modification_flag_l0 (l1)
        while flag and _copy_ue(r, w) != 3:  # modification_of_pic_nums_idc; 3 ends the list
            _copy_ue(r, w)  # abs_diff_pic_num_minus1 or long_term_pic_num


def _has_pred_weight_table(pps: PpsFull, slice_type: int) -> bool:
    return (pps.weighted_pred and slice_type == SLICE_P) or (pps.weighted_bipred == 1 and slice_type == SLICE_B)


def _copy_pred_weight_table(r: BitReader, w: BitWriter, sps: SpsInfo, refs: list[int]) -> None:
    """pred_weight_table() (7.3.3.2), copied; `refs` holds the active entries of each list."""
    _copy_ue(r, w)  # luma_log2_weight_denom
    if sps.chroma_format:  # ChromaArrayType != 0
        _copy_ue(r, w)  # chroma_log2_weight_denom
    for count in refs:
        for _ in range(count):
            w.bits(flag := r.bit(), 1)  # luma_weight_lX_flag
            if flag:
                _copy_se(r, w)  # luma_weight_lX
                _copy_se(r, w)  # luma_offset_lX
            if sps.chroma_format:
                w.bits(flag := r.bit(), 1)  # chroma_weight_lX_flag
                for _ in range(4 if flag else 0):  # chroma_weight_lX, chroma_offset_lX for Cb and Cr
                    _copy_se(r, w)


def _idr_dec_ref_pic_marking(r: BitReader, w: BitWriter, reference: bool) -> None:
    """dec_ref_pic_marking() (7.3.3.3) of the converted picture: read in the non-IDR form, written in the IDR one."""
    if reference and r.bit():  # adaptive_ref_pic_marking_mode_flag
        raise H264Error("memory management operations on an I picture")
    w.bits(0, 2 if reference else 0)  # no_output_of_prior_pics_flag, long_term_reference_flag


def _read_mmcos(r: BitReader) -> list[Mmco]:
    ops: list[Mmco] = []
    while (op := r.ue()) != 0:
        ops.append((op, [r.ue() for _ in MMCO_ARGUMENTS.get(op, ())]))
    return ops


def _write_mmcos(w: BitWriter, ops: list[Mmco]) -> None:
    for op, args in ops:
        w.ue(op)
        for arg in args:
            w.ue(arg)
    w.ue(0)  # end of the operations


def _copy_slice_header_end(r: BitReader, w: BitWriter, pps: PpsFull, slice_type: int) -> None:
    """slice_header() (7.3.3) from cabac_init_idc to the end (SP/SI fields and slice groups are never present)."""
    if pps.cabac and slice_type != SLICE_I:
        _copy_ue(r, w)  # cabac_init_idc
    _copy_se(r, w)  # slice_qp_delta
    if pps.deblocking_control and _copy_ue(r, w) != 1:  # disable_deblocking_filter_idc
        _copy_se(r, w)  # slice_alpha_c0_offset_div2
        _copy_se(r, w)  # slice_beta_offset_div2


def _cabac_slice_body(r: BitReader, w: BitWriter, rbsp: bytes) -> bytes:
    """The new header and the slice data after it: CABAC data starts byte-aligned (7.3.4), so it is copied as bytes."""
    while r.pos & 7:
        r.bit()  # cabac_alignment_one_bit
    while w.length & 7:
        w.bits(1, 1)
    return w.to_bytes() + rbsp[r.pos >> 3:]


def _cavlc_slice_body(r: BitReader, w: BitWriter, rbsp: bytes) -> bytes:
    """The new header and the slice data after it: CAVLC data starts at any bit, so it is shifted to follow the
    header, and rbsp_slice_trailing_bits() (7.3.2.10) are written again after it."""
    total = len(rbsp) * 8 - r.pos
    rest = int.from_bytes(rbsp, "big") & ((1 << total) - 1)
    if rest == 0:
        raise H264Error("slice without rbsp stop bit")
    trailing = (rest & -rest).bit_length()  # the stop bit and the alignment zeros after it
    w.bits(rest >> trailing, total - trailing)
    w.bits(1, 1)  # rbsp_stop_one_bit
    while w.length & 7:
        w.bits(0, 1)  # rbsp_alignment_zero_bit
    return w.to_bytes()


class SpliceRewriter:
    """Makes a copied run that starts at an open GOP's (non-IDR) I picture a coded video sequence of its own.

    The I picture becomes an IDR picture, frame_num is renumbered from it in the pictures that follow, and
    memory management operations that name pictures from before it (which the clip no longer holds) are
    removed. A small model of the reference picture buffer decides which operations those are.
    """

    def __init__(self, config: AvcConfig) -> None:
        self.sps = {info.sps_id: info for info in map(parse_sps, config.sps)}
        self.pps = {info.pps_id: info for info in map(parse_pps_full, config.pps)}
        self.base = 0  # frame_num of the converted picture in the source
        self.active = False
        self.refs: list[int] = []  # frame_num of the short-term reference pictures the output holds
        self.prev_ref = 0
        self.refs_seen = 0
        self.max_refs = max((s.max_refs for s in self.sps.values()), default=1)
        self._ops: list[Mmco] | None = None

    def supported(self) -> bool:
        return all(p.slice_groups == 1 and p.sps_id in self.sps for p in self.pps.values()) and all(
            s.poc_type in (0, 2) and s.frame_mbs_only for s in self.sps.values())

    def _header(self, rbsp: bytes) -> tuple[BitReader, int, PpsFull, SpsInfo]:
        r = BitReader(rbsp)
        r.ue()
        slice_type = r.ue()
        pps = self.pps[r.ue()]
        sps = self.sps[pps.sps_id]
        if sps.separate_colour_plane:
            r.bits(2)
        return r, slice_type, pps, sps

    def to_idr(self, nal: bytes) -> bytes:
        return self._rewrite(nal, idr=True)

    def follow(self, nal: bytes) -> bytes:
        """A slice after the converted picture."""
        if self.refs_seen > self.max_refs + 1:
            return self.renumber(nal)  # every picture from before the splice has left the buffer model
        return self._rewrite(nal, idr=False)

    def _wrap(self, frame_num: int, current: int, max_frame_num: int) -> int:
        return frame_num if frame_num <= current else frame_num - max_frame_num

    def _slide(self, current: int, max_frame_num: int) -> None:
        if len(self.refs) >= self.max_refs:
            self.refs.remove(min(self.refs, key=lambda f: self._wrap(f, current, max_frame_num)))

    def _model(self, frame_num: int, reference: bool, ops: list[Mmco] | None, max_frame_num: int) -> list[Mmco] | None:
        """Advance the buffer model by one picture; return its operations without the impossible ones."""
        gap = (self.prev_ref + 1) % max_frame_num
        while frame_num not in (self.prev_ref, gap):  # frame_num gap: 'non-existing' frames fill it
            self._slide(gap, max_frame_num)
            self.refs.append(gap)
            self.prev_ref, gap = gap, (gap + 1) % max_frame_num
        if not reference:
            return ops
        kept = ops
        if ops is None:
            self._slide(frame_num, max_frame_num)
        else:
            kept = []
            for op, args in ops:
                if op != 1:
                    kept.append((op, args))
                    continue
                target = frame_num - (args[0] + 1)
                match = [f for f in self.refs if self._wrap(f, frame_num, max_frame_num) == target]
                if match:
                    self.refs.remove(match[0])
                    kept.append((op, args))
        self.refs.append(frame_num)
        self.prev_ref = frame_num
        self.refs_seen += 1
        return kept

    def _rewrite(self, nal: bytes, *, idr: bool) -> bytes:
        """The slice with its slice_header() (7.3.3) rewritten and its slice_data() copied."""
        rbsp = unescape(nal[1:])
        r, w = BitReader(rbsp), BitWriter()
        header = self._slice_header_start(r, w, idr=idr)
        if header.slice_type in (SLICE_P, SLICE_B):
            refs = _copy_num_ref_idx_active(r, w, header.slice_type, header.pps)
            _copy_ref_pic_list_modification(r, w, header.slice_type)
            if _has_pred_weight_table(header.pps, header.slice_type):
                _copy_pred_weight_table(r, w, header.sps, refs)
        reference = nal[0] >> 5 != 0  # nal_ref_idc
        if idr:
            _idr_dec_ref_pic_marking(r, w, reference)
        else:
            self._dec_ref_pic_marking(r, w, header, reference)
        _copy_slice_header_end(r, w, header.pps, header.slice_type)
        body = _cabac_slice_body(r, w, rbsp) if header.pps.cabac else _cavlc_slice_body(r, w, rbsp)
        kind = NAL_IDR if idr else nal_type(nal)
        return bytes([(nal[0] & 0xE0) | kind]) + escape(body)

    def _slice_header_start(self, r: BitReader, w: BitWriter, *, idr: bool) -> _SliceHeader:
        """slice_header() (7.3.3) from first_mb_in_slice to direct_spatial_mv_pred_flag, frame_num renumbered.

        field_pic_flag is absent: `supported` accepts only frame_mbs_only streams.
        """
        first_mb = _copy_ue(r, w)
        slice_type = _copy_ue(r, w) % 5
        if slice_type in (SLICE_SP, SLICE_SI) or (idr and slice_type != SLICE_I):
            raise H264Error("unsupported slice type for a splice")
        pps = self.pps[_copy_ue(r, w)]
        sps = self.sps[pps.sps_id]
        if sps.separate_colour_plane:
            w.bits(r.bits(2), 2)  # colour_plane_id
        n = sps.log2_max_frame_num
        frame_num = self._renumbered(r.bits(n), n, idr=idr)
        w.bits(frame_num, n)
        if idr:
            w.ue(0)  # idr_pic_id: the source picture had none
        if sps.poc_type == 0:
            w.bits(r.bits(sps.log2_max_poc_lsb), sps.log2_max_poc_lsb)  # pic_order_cnt_lsb
            if pps.bottom_field_pic_order:
                _copy_se(r, w)  # delta_pic_order_cnt_bottom
        if pps.redundant_pic_cnt:
            _copy_ue(r, w)  # redundant_pic_cnt
        if slice_type == SLICE_B:
            w.bits(r.bit(), 1)  # direct_spatial_mv_pred_flag
        return _SliceHeader(first_mb, slice_type, pps, sps, frame_num)

    def _renumbered(self, frame_num: int, bits: int, *, idr: bool) -> int:
        """frame_num counted from the converted picture, which starts a new buffer model."""
        if idr:
            self.base, self.active = frame_num, True
            self.refs, self.prev_ref, self.refs_seen = [], 0, 0
        return (frame_num - self.base) % (1 << bits)

    def _dec_ref_pic_marking(self, r: BitReader, w: BitWriter, header: _SliceHeader, reference: bool) -> None:
        """dec_ref_pic_marking() (7.3.3.3) of a non-IDR slice, without the operations the buffer model rules out.

        Every slice of a picture carries the same operations; the first slice's decide for the others.
        """
        ops = _read_mmcos(r) if reference and r.bit() else None  # adaptive_ref_pic_marking_mode_flag
        if header.first_mb == 0:
            self._ops = self._model(header.frame_num, reference, ops, 1 << header.sps.log2_max_frame_num)
        kept = self._ops if ops is not None else None
        if reference:
            w.bits(kept is not None, 1)  # adaptive_ref_pic_marking_mode_flag
            if kept is not None:
                _write_mmcos(w, kept)

    def renumber(self, nal: bytes) -> bytes:
        """frame_num -= base (mod MaxFrameNum), patched in place: the field has a fixed width."""
        cut = min(len(nal), 24)
        while cut < len(nal) and (nal[cut - 1] in (0, 3)):
            cut += 1  # end the patched prefix on a byte that cannot belong to an emulation sequence
        prefix = unescape(nal[1:cut])
        r, _, _, sps = self._header(prefix)
        bits = sps.log2_max_frame_num
        if r.pos + bits > len(prefix) * 8:
            raise H264Error("slice header too long to renumber")
        frame_num = BitReader(prefix)
        frame_num.pos = r.pos
        value = (frame_num.bits(bits) - self.base) % (1 << bits)
        whole = int.from_bytes(prefix, "big")
        shift = len(prefix) * 8 - r.pos - bits
        whole = (whole & ~(((1 << bits) - 1) << shift)) | (value << shift)
        return nal[:1] + escape(whole.to_bytes(len(prefix), "big")) + nal[cut:]
