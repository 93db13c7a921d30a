"""Re-encoding the partial GOPs at a clip's edges with settings matched to the source.

Every edge segment is a closed GOP that starts with an IDR picture, so switching to or from the source's
parameter sets happens only where H.264 allows it. The encoder writes its SPS/PPS with an id the source does
not use (x264 `sps-id`), so both sets can live side by side in one `avcC` record.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import av
from av.codec.context import Flags

from newsreel.media.clip import h264
from newsreel.media.clip.index import ClipError, Gop, SourceIndex, read_only
from newsreel.media.clip.prefetch import Prefetched
from newsreel.media.safeio import open_input

# Quality for re-encoded edges: they sit next to untouched source frames, so they must not look softer.
EDGE_CRF = 10
EDGE_PRESET = "ultrafast"

_X264_PROFILES = {
    "baseline": "baseline",
    "constrained baseline": "baseline",
    "main": "main",
    "extended": "main",
    "high": "high",
    "high 10": "high10",
    "high 10 intra": "high10",
    "high 4:2:2": "high422",
    "high 4:2:2 intra": "high422",
    "high 4:4:4 predictive": "high444",
    "high 4:4:4 intra": "high444",
}


@dataclass(frozen=True)
class EncodedPacket:
    pts: int  # output time base (= source video time base), relative to the clip start
    data: bytes  # 4-byte length-prefixed NAL units
    key: bool


@dataclass
class EdgeEncoder:
    """The encoder settings for one clip; `open()` gives a fresh libx264 context with them."""

    index: SourceIndex
    width: int
    height: int
    pix_fmt: str
    options: dict[str, str]
    colour: dict[str, int]
    sample_aspect_ratio: Fraction | None
    bframes: int
    headers: bytes | None = None  # the parameter sets of the first encoder opened (Annex B)

    @classmethod
    def matching(cls, index: SourceIndex, *, sps_id: int, match_source: bool) -> EdgeEncoder:
        coding = index.coding
        x264_profile = _X264_PROFILES.get(coding.profile, "high") if match_source else "high"
        # Edges are P-only: x264 holds ~28 MB less at 1080p without B-frames, P pictures at this CRF look
        # at least as good, and an IDR between edge and copied GOPs lets the reorder depth change there.
        bframes = 0 if match_source or x264_profile == "baseline" else 2
        # Edges are short: lookahead and macroblock-tree only add latency and memory there, and a fixed
        # B-frame pattern keeps the reorder depth known in advance.
        params = [f"sps-id={sps_id}", "scenecut=0", "open-gop=0", f"keyint={10 ** 6}", f"bframes={bframes}",
                  "b-adapt=0", "rc-lookahead=0", "mbtree=0", "sync-lookahead=0"]
        if bframes < 2:
            params.append("b-pyramid=none")
        if match_source and coding.field_order in ("tt", "tb"):
            params += ["interlaced=1", "tff=1"]
        elif match_source and coding.field_order in ("bb", "bt"):
            params += ["interlaced=1", "bff=1"]
        options = {"preset": EDGE_PRESET, "crf": str(EDGE_CRF), "profile": x264_profile,
                   "x264-params": ":".join(params), "forced-idr": "1"}
        if match_source:
            # One x264 thread (no frame threads: each holds 1080p frames, ~13 MB more at 2 threads); the head
            # edge adds a slice thread instead, see open().
            options["threads"] = "1"
        if match_source and coding.level and coding.level > 0:
            options["level"] = f"{coding.level / 10:g}"
        pix_fmt = coding.pix_fmt
        if pix_fmt not in ("yuv420p", "yuvj420p", "yuv422p", "yuv444p", "yuv420p10le", "yuv422p10le", "nv12"):
            pix_fmt = "yuv420p"
        return cls(index, coding.width, coding.height, pix_fmt, options, dict(coding.colour),
                   coding.sample_aspect_ratio, bframes)

    def open(self, cc: av.video.codeccontext.VideoCodecContext | None = None, *, sliced: bool = False
             ) -> av.video.codeccontext.VideoCodecContext:
        """Configure and open `cc` (a new libx264 context when None)."""
        if cc is None:
            new = av.CodecContext.create("libx264", "w")
            assert isinstance(new, av.video.codeccontext.VideoCodecContext)
            cc = new
        cc.width, cc.height, cc.pix_fmt = self.width, self.height, self.pix_fmt
        cc.time_base = self.index.time_base
        cc.framerate = self.index.rate
        cc.flags |= Flags.global_header
        if self.sample_aspect_ratio:
            cc.sample_aspect_ratio = self.sample_aspect_ratio
        for name, value in self.colour.items():
            setattr(cc, name, value)
        cc.options = dict(self.options)
        if sliced and cc.options.get("threads") == "1":
            # Two slices per picture encoded in parallel: no added latency and a few MB, unlike frame threads.
            cc.options.update(threads="2", **{"x264-params": cc.options["x264-params"] + ":sliced-threads=1"})
        try:
            cc.open()
        except av.FFmpegError as exc:
            raise ClipError(f"cannot re-encode this video's edges ({exc})") from exc
        if self.headers is None:
            self.headers = bytes(cc.extradata or b"")
        return cc

    def parameter_sets(self) -> h264.AvcConfig:
        """The SPS/PPS every edge segment will use (x264 writes the same headers for the same settings): those
        of the encoder already opened, else of one opened for the purpose (~25 MB at 1080p while it lives)."""
        return h264.AvcConfig.from_annexb(self.headers or bytes(self.open().extradata or b""))


def _decode_start(index: SourceIndex, first_pts: int) -> Gop:
    """The GOP to start decoding from so that the frame at `first_pts` decodes cleanly."""
    if index.pts_rebuilt:  # frames are numbered by output order, which only works from an IDR
        return [g for g in index.gops if g.key_pts <= first_pts and g.idr][-1]
    pos = max(i for i, g in enumerate(index.gops) if g.key_pts <= first_pts or i == 0)
    # With open GOPs a frame just before a keyframe may be a leading picture of the *next* GOP that needs
    # this GOP decoded first, and this GOP's own leading pictures need the previous one: start one GOP early.
    if any(not g.closed for g in index.gops[max(0, pos - 1):pos + 3]) and pos > 0:
        pos -= 1
    return index.gops[pos]


def _last_needed(index: SourceIndex, gop: Gop, first_pts: int, stop_pts: int) -> int | None:
    """The last packet, in decode order from `gop` on, that shows a frame in [first_pts, stop_pts)."""
    last = None
    for g in index.gops[index.gop_of_packet(gop.first):]:
        if g.min_pts >= stop_pts:
            break
        for position in range(g.first, g.stop):
            if first_pts <= index.packets[position].pts < stop_pts:
                last = position
    return last


def source_frames(index: SourceIndex, first_pts: int, stop_pts: int) -> Generator[av.VideoFrame, None, None]:
    """Decoded source frames with first_pts <= pts < stop_pts, in presentation order.

    Decoding is what a clip's edges cost, so only what they need is decoded: from the GOP that makes the
    first frame decodable, the pictures shown in the range and those others may refer to, up to the last
    packet shown in the range; then the decoder is flushed instead of being fed the next GOP.
    """
    # The streams are known from the index: probing them again would decode a picture and buffer packets
    # (35 ms and ~9 MB at 1080p), and the decoder learns the format from the stream itself.
    with open_input(index.path, skip_frame="all", probesize="32") as container:
        stream = container.streams.video[0]
        stream.thread_type = "SLICE"
        stream.codec_context.thread_count = 1
        read_only(container, stream)
        gop = _decode_start(index, first_pts)
        last = None if index.pts_rebuilt else _last_needed(index, gop, first_pts, stop_pts)
        if last is None and not index.pts_rebuilt:
            return
        container.seek(index.packets[gop.first].raw, stream=stream, backward=True, any_frame=False)
        cc = stream.codec_context
        shown = _Shown(index, gop, first_pts, stop_pts)
        for position, packet in _packets_from(container, stream, index, gop):
            if not index.pts_rebuilt:
                cc.skip_frame = _skip_frame(index, position, packet, first_pts, stop_pts)
            yield from shown.frames(packet.decode())
            if position == last or shown.past_range():
                break
        yield from shown.frames(cc.decode(None))


def _packets_from(container: av.container.InputContainer, stream: av.VideoStream, index: SourceIndex,
                  gop: Gop) -> Iterator[tuple[int, av.Packet]]:
    """(position in decode order, packet) from `gop`'s key packet on, after a seek that may land early."""
    position: int | None = None
    for packet in container.demux(stream):
        if packet.size == 0:
            continue
        if position is None:
            if not (packet.is_keyframe and packet.pts == index.packets[gop.first].raw):
                continue  # the seek landed early: start at our GOP
            position = gop.first
        yield position, packet
        position += 1


def _skip_frame(index: SourceIndex, position: int, packet: av.Packet, first_pts: int,
                stop_pts: int) -> Literal["DEFAULT", "NONREF"]:
    expected = index.packets[position]
    if packet.pts != expected.raw:
        raise ClipError("the source changed while it was being cut")
    # Pictures outside the range that nothing refers to (most B pictures) are not decoded.
    return "DEFAULT" if first_pts <= expected.pts < stop_pts else "NONREF"


class _Shown:
    """Picks the decoded frames of [first_pts, stop_pts); when the index rebuilt the presentation times, it
    stamps them on the frames, counting from the GOP's key frame."""

    def __init__(self, index: SourceIndex, gop: Gop, first_pts: int, stop_pts: int) -> None:
        self.index, self.first_pts, self.stop_pts = index, first_pts, stop_pts
        self.display = index.frame_at(gop.key_pts)

    def frames(self, frames: list[av.VideoFrame]) -> Iterator[av.VideoFrame]:
        for frame in frames:
            if self.index.pts_rebuilt:
                frame.pts = self.index.pts_of(self.display)
                self.display += 1
            if frame.pts is not None and self.first_pts <= frame.pts < self.stop_pts:
                yield frame

    def past_range(self) -> bool:
        return self.index.pts_rebuilt and self.display >= self.index.frame_at(self.stop_pts)


def _gated(frames: Generator[av.VideoFrame, None, None], gate: tuple[threading.Event, threading.Event] | None
           ) -> Generator[av.VideoFrame, None, None]:
    if gate is not None:
        go, cancel = gate
        go.wait()
        if cancel.is_set():
            frames.close()
            return
    yield from frames


def encode_edges(index: SourceIndex, encoder: EdgeEncoder, spans: list[tuple[int, int]], clip_origin: int,
                 context: av.video.codeccontext.VideoCodecContext | None = None,
                 later: tuple[threading.Event, threading.Event] | None = None
                 ) -> Iterator[tuple[int, EncodedPacket]]:
    """Re-encode the source frames of each span [first_pts, stop_pts), in clip order, each span a closed GOP
    that starts with an IDR picture: (span number, packet), pts relative to clip_origin.

    Decoding is most of what edges cost (the reference pictures from a GOP's start up to the cut), so every
    span is decoded from the start, each in a thread of its own and at most a couple of frames ahead. One
    encoder then codes the spans in turn, two slices of each picture in parallel: a 1080p x264 encoder holds
    ~25 MB, which is paid once, and only from the first frame on, when the tail's decoder has often finished
    and freed its own. With `context` (an output stream's own open encoder) packets stay in Annex B for the
    muxer to convert.

    With `later` (go, cancel), spans after the first are decoded once `go` is set (the caller sets it when it
    has copied the middle, so that the head, which everything waits for, does not share two cores with three
    jobs), or not at all if `cancel` is set first.
    """
    decoders = [Prefetched(_gated(source_frames(index, a, b), later if k else None), depth=2, name="clip-decode")
                for k, (a, b) in enumerate(spans)]
    try:
        cc = context
        starts = [a - clip_origin for a, _ in spans]

        def packets(frame: av.VideoFrame | None) -> Iterator[tuple[int, EncodedPacket]]:
            nonlocal cc
            if cc is None:
                cc = encoder.open(sliced=True)
            for packet in cc.encode(frame):
                assert packet.pts is not None
                span = bisect_right(starts, packet.pts) - 1
                if context is not None:
                    yield span, EncodedPacket(packet.pts, bytes(packet), bool(packet.is_keyframe))
                    continue
                nals = [n for n in h264.split_annexb(bytes(packet))
                        if h264.nal_type(n) not in (h264.NAL_SPS, h264.NAL_PPS, h264.NAL_AUD)]
                yield span, EncodedPacket(packet.pts, h264.to_length_prefixed(nals), bool(packet.is_keyframe))

        for (first_pts, stop_pts), decoded in zip(spans, decoders, strict=True):
            expected = index.frame_at(stop_pts) - index.frame_at(first_pts)
            seen = 0
            for frame in decoded:
                if frame.format.name != encoder.pix_fmt:
                    frame = frame.reformat(format=encoder.pix_fmt)
                assert frame.pts is not None
                frame.pts = frame.pts - clip_origin
                frame.time_base = index.time_base
                # A span after the first starts afresh with an IDR picture (x264 forced-idr), which refers to
                # nothing before it, as the copied GOPs it follows require.
                forced = seen == 0 and first_pts != spans[0][0]
                frame.pict_type = av.video.frame.PictureType.I if forced else av.video.frame.PictureType.NONE
                seen += 1
                yield from packets(frame)
            if seen != expected:
                raise ClipError(f"decoded {seen} frames where {expected} were expected; the source may be damaged")
        yield from packets(None)
    finally:
        for decoder in decoders:
            decoder.close()
