"""The packet index of a source video: decode order, presentation times, keyframes and GOP structure.

Cut decisions are made on this index, never on assumptions about the encoder: a GOP may be copied only when
its first packet in decode order is an IDR picture and none of its pictures is shown before it (closed GOP).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import av
from av.stream import Discard

from newsreel.media.clip import h264
from newsreel.media.clip.mp4_tables import TrackTables, read_tracks
from newsreel.media.fields import field_order_name
from newsreel.media.safeio import open_input
from newsreel.media.timecode import parse_rate


class ClipError(ValueError):
    """A clip request that cannot be honoured; the message is safe to show to the user."""


@dataclass(slots=True)
class PacketInfo:
    pts: int  # presentation time (rebuilt from picture order counts when the container has none)
    raw: int  # the timestamp the demuxer reports, for seeking and matching
    key: bool
    idr: bool
    pos: int = -1  # byte offset and size in the file, when read from MP4/MOV sample tables
    size: int = 0


@dataclass(slots=True)
class Gop:
    first: int  # packet index in decode order
    stop: int  # exclusive
    key_pts: int
    min_pts: int
    max_pts: int
    idr: bool

    @property
    def closed(self) -> bool:
        return self.min_pts >= self.key_pts

    @property
    def clean(self) -> bool:
        """Decodable on its own and a valid splice point: IDR first, no leading pictures."""
        return self.idr and self.closed


@dataclass
class Bitstream:
    """How the source carries H.264 (MP4 length prefixes or Annex B start codes) and its parameter sets."""

    annexb: bool
    length_size: int
    config: h264.AvcConfig | None

    def nals(self, data: bytes) -> list[bytes]:
        if self.annexb:
            return list(h264.split_annexb(data))
        return list(h264.split_length_prefixed(data, self.length_size))

    @property
    def passthrough(self) -> bool:
        """Packets can be copied byte for byte into an MP4 with a 4-byte length prefix."""
        return not self.annexb and self.length_size == 4


@dataclass(frozen=True)
class AudioSamples:
    """The first audio track's samples, as the demuxer reports them (edit lists applied)."""

    time_base: Fraction
    timestamps: list[int]
    positions: list[int]
    sizes: list[int]
    sample_rate: int
    channels: int
    config: bytes  # the AAC AudioSpecificConfig
    language: int


@dataclass(frozen=True)
class Mp4Layout:
    """Where an MP4/MOV source's samples lie, so that a clip can copy them as byte ranges (see clip_mp4)."""

    video: TrackTables
    audio: AudioSamples | None  # None: the source has no audio


@dataclass(frozen=True)
class Coding:
    """How the source's pictures are coded: what the edge encoder must match."""

    width: int
    height: int
    pix_fmt: str
    profile: str  # lower case, e.g. "high"
    level: int
    field_order: str
    colour: dict[str, int]  # color_range, colorspace, color_primaries, color_trc as FFmpeg enums
    sample_aspect_ratio: Fraction | None

    @classmethod
    def of(cls, cc: av.video.codeccontext.VideoCodecContext) -> Coding:
        names = ("color_range", "colorspace", "color_primaries", "color_trc")
        sar = cc.sample_aspect_ratio
        return cls(cc.width, cc.height, cc.format.name if cc.format else "yuv420p", (cc.profile or "").lower(),
                   cc.level, field_order_name(cc) or "progressive",
                   {name: int(getattr(cc, name)) for name in names if getattr(cc, name, None)},
                   Fraction(sar) if sar else None)


@dataclass
class SourceIndex:
    path: Path
    codec: str
    rate: Fraction
    time_base: Fraction
    frame_duration: int  # in time_base units
    packets: list[PacketInfo]
    display: list[int]  # presentation times in display order; frame index -> pts
    gops: list[Gop]
    reorder: int  # max (decode position - display rank): the B-frame delay the stream needs
    start_timecode: str | None
    bitstream: Bitstream | None
    has_audio: bool
    coding: Coding
    pts_rebuilt: bool = False
    mp4: Mp4Layout | None = None  # set when every copied byte can be located in the file
    warnings: list[str] = field(default_factory=list)

    @property
    def frames(self) -> int:
        return len(self.display)

    def frame_at(self, pts: int) -> int:
        return bisect_left(self.display, pts)

    def pts_of(self, frame: int) -> int:
        """Presentation time of frame `frame`; one past the last frame maps to the end of the stream."""
        if frame < len(self.display):
            return self.display[frame]
        return self.display[-1] + self.frame_duration * (frame - len(self.display) + 1)

    def gop_of_packet(self, index: int) -> int:
        lo, hi = 0, len(self.gops) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.gops[mid].first <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo


def read_only(container: av.container.InputContainer, stream: av.stream.Stream) -> None:
    """Make the demuxer skip every other stream's packets instead of reading and dropping them."""
    for other in container.streams:
        if other.index != stream.index:
            other.discard = Discard.all


def _timecode_of(container: av.container.InputContainer, video: av.video.stream.VideoStream) -> str | None:
    for meta in (video.metadata, container.metadata, *(s.metadata for s in container.streams)):
        tc = meta.get("timecode")
        if tc:
            return str(tc)
    return None


def _bitstream(video: av.video.stream.VideoStream, first_key: bytes | None) -> Bitstream:
    extradata = video.codec_context.extradata or b""
    if extradata[:1] == b"\x01":
        parsed = h264.AvcConfig.parse(extradata)
        return Bitstream(False, parsed.length_size, parsed)
    # MXF, MPEG-TS style: parameter sets travel in-band (or as Annex B extradata).
    config: h264.AvcConfig | None = None
    for source in (extradata, first_key or b""):
        if source and h264.is_annexb(source):
            candidate = h264.AvcConfig.from_annexb(source)
            if candidate.sps and candidate.pps:
                config = candidate
                break
    return Bitstream(True, 4, config)


def _from_sample_tables(path: Path, container: av.container.InputContainer, video: av.video.stream.VideoStream
                        ) -> tuple[list[PacketInfo], Bitstream | None, dict[int, TrackTables]] | None:
    """The packet list from an MP4/MOV's sample tables, checked against the demuxer at both ends; None when
    the file is not such a file or anything disagrees (the caller then reads every packet)."""
    if "mov" not in container.format.name.split(","):
        return None
    entries = video.index_entries
    tracks = read_tracks(path)
    tables = tracks.get(video.id) if tracks is not None else None
    if tracks is None or tables is None or len(tables.offsets) != len(entries) or not entries:
        return None
    is_h264 = video.codec_context.name == "h264"
    bitstream = _bitstream(video, None) if is_h264 else None
    if bitstream is not None and bitstream.annexb:
        return None  # in-band parameter sets: the demuxing pass finds them
    packets: list[PacketInfo] = []
    with open(path, "rb") as raw:
        for entry, offset in zip(entries, tables.offsets, strict=True):
            if entry.is_discard or entry.size <= 0:
                return None
            pts = entry.timestamp + offset
            key = entry.is_keyframe
            idr = False
            if key and bitstream is not None:
                raw.seek(entry.pos)
                idr = any(h264.nal_type(n) == h264.NAL_IDR for n in bitstream.nals(raw.read(entry.size)))
            packets.append(PacketInfo(pts, pts, key, idr, entry.pos, entry.size))
    return (packets, bitstream, tracks) if _agrees(container, video, packets) else None


def _aac_samples(container: av.container.InputContainer, tracks: dict[int, TrackTables]) -> AudioSamples | None:
    """The first audio track's sample positions, when it is AAC that an MP4 can carry as it is."""
    stream = container.streams.audio[0]
    tables = tracks.get(stream.id)
    cc = stream.codec_context
    if tables is None or tables.sample_entry is None or cc.name != "aac" or not cc.extradata or not stream.time_base \
            or not 0 < cc.sample_rate < 65536:
        return None
    entries = list(stream.index_entries)
    while entries and entries[0].is_discard:  # encoder priming, before time zero: never part of a clip
        entries = entries[1:]
    if not entries or any(e.is_discard or e.size <= 0 for e in entries):
        return None
    return AudioSamples(Fraction(stream.time_base), [e.timestamp for e in entries], [e.pos for e in entries],
                        [e.size for e in entries], cc.sample_rate, cc.channels, bytes(cc.extradata),
                        tables.language)


def _agrees(container: av.container.InputContainer, video: av.video.stream.VideoStream,
            packets: list[PacketInfo]) -> bool:
    """The demuxer reports the same timestamps and keyframes for the first packets and the last GOP."""
    def read(position: int, count: int) -> bool:
        seen = 0
        for packet in container.demux(video):
            if packet.size == 0:
                continue
            expected = packets[position + seen]
            pts = packet.pts if packet.pts is not None else packet.dts
            if pts != expected.raw or bool(packet.is_keyframe) != expected.key:
                return False
            seen += 1
            if seen == count or position + seen == len(packets):
                return True
        return seen == count

    last_key = max(i for i, p in enumerate(packets) if p.key)
    if not read(0, min(64, len(packets))):
        return False
    container.seek(packets[last_key].raw, stream=video, backward=True, any_frame=False)
    return read(last_key, len(packets) - last_key)


def _open_for_index(path: Path) -> av.container.InputContainer:
    """The file opened without decoding a picture when its header says all the index needs (MP4/MOV: a
    1080p picture costs ~30 ms, on every clip's critical path); other files are probed in full."""
    container = open_input(path, skip_frame="all", probesize="32")
    if "mov" in container.format.name.split(","):
        return container
    container.close()
    return open_input(path)


def _coding(path: Path, video: av.video.stream.VideoStream, bitstream: Bitstream | None) -> Coding:
    cc = video.codec_context
    if cc.format is not None:
        return Coding.of(cc)
    from_sps = _coding_from_sps(cc, bitstream.config if bitstream is not None else None)
    if from_sps is not None:
        return from_sps
    with open_input(path) as probed:  # let FFmpeg decode a picture to tell
        return Coding.of(probed.streams.video[0].codec_context)


def _coding_from_sps(cc: av.video.codeccontext.VideoCodecContext, config: h264.AvcConfig | None
                     ) -> Coding | None:
    """What FFmpeg's decoder would report, read from the one SPS, in the plain case (8-bit 4:2:0, limited
    range, progressive); None otherwise. The SPS's VUI takes precedence over the container, as in FFmpeg."""
    if config is None or len(config.sps) != 1:
        return None
    try:
        sps = h264.sps_format(config.sps[0])
    except (h264.H264Error, IndexError):
        return None
    if sps.chroma_format != 1 or sps.bit_depth != 8 or sps.full_range or not sps.progressive:
        return None
    colour = {"color_range": int(cc.color_range or 0), "colorspace": int(cc.colorspace or 0),
              "color_primaries": int(cc.color_primaries or 0), "color_trc": int(cc.color_trc or 0)}
    if sps.full_range is not None:
        colour["color_range"] = 1  # MPEG (limited): full range was ruled out above
    if sps.primaries is not None and sps.transfer is not None and sps.matrix is not None:
        colour.update(color_primaries=sps.primaries, color_trc=sps.transfer, colorspace=sps.matrix)
    sar = Fraction(*sps.sample_aspect_ratio) if sps.sample_aspect_ratio else None
    return Coding(cc.width, cc.height, "yuv420p", (cc.profile or "").lower(), cc.level, "progressive",
                  {name: value for name, value in colour.items() if value}, sar)


def build_index(path: Path) -> SourceIndex:
    """Read every video packet header once (no decoding) and describe the stream."""
    with _open_for_index(path) as container:
        if not container.streams.video:
            raise ClipError(f"{path.name}: no video stream")
        video = container.streams.video[0]
        codec = video.codec_context.name
        rate_guess = video.average_rate or video.guessed_rate or video.base_rate
        if not rate_guess:
            raise ClipError(f"{path.name}: unknown frame rate")
        rate = parse_rate(Fraction(rate_guess))
        time_base = Fraction(video.time_base) if video.time_base else Fraction(1, 90000)
        is_h264 = codec == "h264"
        timecode = _timecode_of(container, video)
        has_audio = bool(container.streams.audio)
        read_only(container, video)
        mp4: Mp4Layout | None = None
        tabled = _from_sample_tables(path, container, video)
        if tabled is not None:
            packets, bitstream, tracks = tabled
            orders: list[tuple[int, int]] | None = None
            same_ts = True
            mp4 = _mp4_layout(container, video, tracks, has_audio)
        else:
            packets, bitstream, orders, same_ts = _demux_headers(path, container, video, is_h264)
        coding = _coding(path, video, bitstream)
    if not packets:
        raise ClipError(f"{path.name}: the video stream is empty")
    if not packets[0].key:
        raise ClipError(f"{path.name}: the video does not start with a keyframe")
    step = max(1, round(1 / (rate * time_base)))
    pts_rebuilt = bool(orders) and same_ts and _rebuild_pts(packets, orders or [], step)
    display = sorted(p.pts for p in packets)
    diffs = Counter(b - a for a, b in pairwise(display) if b > a)
    frame_duration = diffs.most_common(1)[0][0] if diffs else step
    ranks = {pts: i for i, pts in enumerate(display)}
    reorder = max(i - ranks[p.pts] for i, p in enumerate(packets))
    if is_h264 and bitstream is not None and bitstream.config is None:
        bitstream = None  # no parameter sets found: we cannot splice, only re-encode
    return SourceIndex(path, codec, rate, time_base, frame_duration, packets, display, _gops(packets),
                       max(reorder, 0), timecode, bitstream if is_h264 else None, has_audio, coding, pts_rebuilt,
                       mp4)


def _mp4_layout(container: av.container.InputContainer, video: av.video.stream.VideoStream,
                tracks: dict[int, TrackTables], has_audio: bool) -> Mp4Layout | None:
    audio = _aac_samples(container, tracks) if has_audio else None
    if tracks[video.id].sample_entry is not None and (audio is not None or not has_audio):
        return Mp4Layout(tracks[video.id], audio)
    return None


def _demux_headers(path: Path, container: av.container.InputContainer, video: av.video.stream.VideoStream,
                   is_h264: bool) -> tuple[list[PacketInfo], Bitstream | None, list[tuple[int, int]] | None, bool]:
    """(packets, bitstream, picture orders, whether dts equals pts) from the demuxer, for containers that are
    not MP4/MOV. The orders are None unless every picture's (sequence, POC) could be read."""
    packets: list[PacketInfo] = []
    bitstream: Bitstream | None = None
    poc = h264.PocCounter()
    orders: list[tuple[int, int]] | None = [] if is_h264 else None
    same_ts = True
    for packet in container.demux(video):
        if packet.size == 0:
            continue
        pts = packet.pts if packet.pts is not None else packet.dts
        if pts is None:
            raise ClipError(f"{path.name}: video packets without timestamps cannot be cut")
        same_ts = same_ts and packet.dts in (None, pts)
        key = bool(packet.is_keyframe)
        idr = False
        if is_h264 and (key or bitstream is None or bitstream.annexb):
            data = bytes(packet)
            if bitstream is None:
                bitstream = _bitstream(video, data)
            nals = bitstream.nals(data)
            idr = key and any(h264.nal_type(n) == h264.NAL_IDR for n in nals)
            if orders is not None and bitstream.annexb:
                orders = _picture_order(poc, nals, orders)
        packets.append(PacketInfo(pts, pts, key, idr))
    return packets, bitstream, orders, same_ts


def _picture_order(poc: h264.PocCounter, nals: list[bytes],
                   orders: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
    # Annex B containers (MXF) may carry no presentation times: keep the POCs to rebuild them.
    try:
        orders.append(poc.picture(nals))
    except h264.H264Error:
        return None
    return orders


def _rebuild_pts(packets: list[PacketInfo], orders: list[tuple[int, int]], step: int) -> bool:
    """Presentation times from picture order, when the container gave only decode times; whether any moved."""
    if len(orders) != len(packets):
        return False
    ranked = sorted(range(len(packets)), key=orders.__getitem__)
    if ranked == list(range(len(packets))):
        return False
    for rank, i in enumerate(ranked):
        packets[i].pts = packets[0].raw + rank * step
    return True


def _gops(packets: list[PacketInfo]) -> list[Gop]:
    gops: list[Gop] = []
    for i, p in enumerate(packets):
        if p.key:
            gops.append(Gop(i, i + 1, p.pts, p.pts, p.pts, p.idr))
        else:
            g = gops[-1]
            g.stop, g.min_pts, g.max_pts = i + 1, min(g.min_pts, p.pts), max(g.max_pts, p.pts)
    return gops
