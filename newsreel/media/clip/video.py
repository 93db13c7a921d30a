"""Frame-accurate clips of long-GOP video by smart cut: copy whole GOPs, re-encode only the partial ones.

`cut()` is the entry point. In accurate mode the clip holds exactly frames [start, end) of the source: the
run of GOPs that lie wholly inside the range is copied bit for bit, with the head of the next GOP as far as
its pictures, in decode order, show whole frames of the range; the rest at the edges is decoded and
re-encoded as closed GOPs with settings matched to the source. A run may start at an open GOP: its I picture
is rewritten as an IDR picture (h264.SpliceRewriter) and its leading pictures are re-encoded instead. Fast
mode copies whole GOPs only and widens the range to them. Sources we cannot splice (another codec, no
parameter sets, an open-GOP stream the rewriter does not support) are re-encoded completely, and the report
says so.
"""

from __future__ import annotations

import heapq
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av

from newsreel.media.clip import captions as clip_captions
from newsreel.media.clip import h264
from newsreel.media.clip import mp4 as clip_mp4
from newsreel.media.clip.captions import CaptionTrack
from newsreel.media.clip.encode import EdgeEncoder, EncodedPacket, encode_edges
from newsreel.media.clip.index import ClipError, Gop, SourceIndex, build_index, read_only
from newsreel.media.clip.video_audio import AudioPlan, audio_packets
from newsreel.media.safeio import UnsupportedMedia, open_input
from newsreel.media.timecode import TimecodeError, frames_to_timecode, timecode_to_frames

__all__ = ["CaptionTrack", "ClipError", "ClipReport", "Mode", "cut", "parse_point", "parse_range", "source_info"]

Mode = Literal["accurate", "fast"]
Method = Literal["smart-cut", "stream-copy", "re-encode"]

_CONTAINERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov"}


@dataclass
class ClipReport:
    mode: Mode
    method: Method
    requested_start: int
    requested_end: int  # exclusive
    first_frame: int  # first source frame actually included
    last_frame: int  # last source frame actually included (inclusive)
    frames_copied: int
    frames_reencoded: int
    start_timecode: str
    rate: Fraction
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    copied_range: tuple[int, int] | None = None  # source frames stored bit for bit (first, last inclusive)

    @property
    def frames(self) -> int:
        return self.last_frame - self.first_frame + 1

    def summary(self) -> str:
        lines = [
            f"{self.method}: frames {self.first_frame}-{self.last_frame} ({self.frames} frames at "
            f"{float(self.rate):.3f} fps), start timecode {self.start_timecode}",
            f"  frames copied: {self.frames_copied}, frames re-encoded: {self.frames_reencoded}, "
            f"time taken: {self.seconds:.2f} s",
        ]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True)
class SourceInfo:
    rate: Fraction
    frames: int
    start_timecode: str | None
    codec: str


@dataclass(frozen=True)
class _Segment:
    copy: bool
    first_pts: int  # source presentation times covered, [first_pts, stop_pts)
    stop_pts: int
    first_packet: int = 0  # copy only: source packets [first_packet, stop_packet) in decode order
    stop_packet: int = 0
    convert: bool = False  # the first picture is a non-IDR I picture to be rewritten as IDR
    drop: int = 0  # leading pictures of the first GOP that are left out (re-encoded in the head instead)


@dataclass
class _Plan:
    method: Method
    origin: int  # source pts of the clip's first frame
    first_frame: int
    stop_frame: int
    segments: list[_Segment]
    warnings: list[str]


def _index(source: Path) -> SourceIndex:
    """The source's index, read once for calls in a row on the same file (parse_range() then cut(), by the CLI
    or the portal); each call gets its own list of warnings, so threads cutting the same file share nothing
    that changes."""
    try:
        stat = source.stat()
    except OSError as exc:
        raise ClipError(f"{source.name}: cannot read the file ({exc.strerror})") from exc
    key = (str(source.resolve()), stat.st_size, stat.st_mtime_ns)
    with _INDEXES_LOCK:
        cached = _INDEXES.get(key)
        if cached is not None:
            _INDEXES.move_to_end(key)
    if cached is None:
        # Read outside the lock: a slow file must not hold up clips of other files. Two threads that miss
        # together both read it, and the second stores the same index again.
        cached = _build(source)
        with _INDEXES_LOCK:
            _INDEXES[key] = cached
            _INDEXES.move_to_end(key)
            while len(_INDEXES) > INDEX_CACHE_SIZE:
                _INDEXES.popitem(last=False)
    return replace(cached, warnings=[])


# A few entries, not one: threads cutting different files would evict each other's at every call; not more,
# as a worker may see thousands of files over its life.
INDEX_CACHE_SIZE = 4
_INDEXES: OrderedDict[tuple[str, int, int], SourceIndex] = OrderedDict()
_INDEXES_LOCK = threading.Lock()


def _build(source: Path) -> SourceIndex:
    try:
        return build_index(source)
    except UnsupportedMedia as exc:
        raise ClipError(str(exc)) from exc
    except (av.FFmpegError, h264.H264Error) as exc:
        raise ClipError(f"{source.name}: cannot read the video ({exc})") from exc


def source_info(source: Path) -> SourceInfo:
    index = _index(source)
    return SourceInfo(index.rate, index.frames, index.start_timecode, index.codec)


def parse_point(text: str, rate: Fraction) -> int:
    """A frame index from `HH:MM:SS:FF` (`;` drop-frame) counted from the file's first frame, or seconds."""
    try:
        return timecode_to_frames(text, rate)
    except TimecodeError as exc:
        raise ClipError(str(exc)) from exc


def parse_range(source: Path, in_point: str, out_point: str) -> tuple[int, int]:
    info = source_info(source)
    start, end = parse_point(in_point, info.rate), parse_point(out_point, info.rate)
    _check_range(start, end, info.frames, info.rate)
    return start, end


def _check_range(start: int, end: int, frames: int, rate: Fraction) -> None:
    if start < 0 or end < 0:
        raise ClipError("in and out points must not be negative")
    if start >= end:
        raise ClipError(f"the in point ({frames_to_timecode(start, rate)}) must come before the out point "
                        f"({frames_to_timecode(end, rate)})")
    if end > frames:
        raise ClipError(f"the out point ({frames_to_timecode(end, rate)}) is past the end of the video "
                        f"({frames_to_timecode(frames, rate)}, {frames} frames)")


def _plan_accurate(index: SourceIndex, start: int, end: int) -> _Plan:
    t0, t1 = index.pts_of(start), index.pts_of(end)
    if index.bitstream is None:
        why = (f"{index.codec} video cannot be smart-cut" if index.codec != "h264"
               else "the H.264 parameter sets could not be found")
        return _Plan("re-encode", t0, start, end, [_Segment(False, t0, t1)],
                     [f"{why}: every frame was re-encoded to H.264"])
    convertible = _can_convert(index)
    run = _copy_run(index, t0, t1, convertible)
    if run is None:
        warnings: list[str] = []
        if any(not g.clean for g in index.gops[1:]) and not convertible:
            warnings.append("no closed IDR-started GOP lies inside the range and this open-GOP stream cannot "
                            "be rewritten: every frame was re-encoded")
        return _Plan("re-encode" if warnings else "smart-cut", t0, start, end, [_Segment(False, t0, t1)],
                     warnings)
    first = run.first
    segments: list[_Segment] = []
    if first.key_pts > t0:
        segments.append(_Segment(False, t0, first.key_pts))
    segments.append(_Segment(True, first.key_pts, run.copy_stop, first.first, run.stop_packet,
                             convert=not first.idr, drop=run.dropped))
    if run.copy_stop < t1:
        segments.append(_Segment(False, run.copy_stop, t1))
    return _Plan("smart-cut", t0, start, end, segments, [])


@dataclass(frozen=True)
class _CopyRun:
    first: Gop  # the GOP whose key picture opens the run
    stop_packet: int  # exclusive, in decode order
    copy_stop: int  # pts of the first frame after the run
    dropped: int  # leading pictures of `first` (open GOP) left out


def _copy_run(index: SourceIndex, t0: int, t1: int, convertible: bool) -> _CopyRun | None:
    """The packets of [t0, t1) to copy, or None when every frame is to be re-encoded."""
    span = _whole_gops(index, t0, t1, convertible) or _gop_head(index, t0, t1, convertible)
    if span is None:
        return None
    first, stop_packet, copy_stop = span
    dropped = sum(1 for p in index.packets[first.first:min(first.stop, stop_packet)] if p.pts < first.key_pts)
    frames_in_run = index.frame_at(copy_stop) - index.frame_at(first.key_pts)
    if frames_in_run != stop_packet - first.first - dropped:
        return None  # the GOPs do not tile the timeline (damaged or VFR source): do not splice
    return _CopyRun(first, stop_packet, copy_stop, dropped)


def _can_open(g: Gop, t0: int, t1: int, convertible: bool, *, whole: bool = True) -> bool:
    # A closed IDR GOP splices as is; an open GOP's I picture can be made an IDR picture, its leading
    # pictures (shown before it, predicted from the GOP before) are then dropped and re-encoded instead.
    inside = g.max_pts < t1 if whole else g.key_pts < t1
    return g.key_pts >= t0 and inside and (g.clean or (convertible and not g.idr))


def _whole_gops(index: SourceIndex, t0: int, t1: int, convertible: bool) -> tuple[Gop, int, int] | None:
    """(first GOP, stop packet, stop pts) of a run of whole GOPs, and the copyable head of the GOP after it."""
    gops = index.gops
    run_start = next((i for i, g in enumerate(gops) if _can_open(g, t0, t1, convertible)), None)
    if run_start is None:
        return None
    run_stop = run_start + 1
    # Later GOPs, open or not, only refer to pictures of the run itself: they copy as they are.
    while run_stop < len(gops) and gops[run_stop].max_pts < t1:
        run_stop += 1
    last = gops[run_stop - 1]
    copy_stop = index.pts_of(index.frame_at(last.max_pts) + 1)
    stop_packet = last.stop
    if run_stop < len(gops):
        stop_packet, copy_stop = _copyable_prefix(index, gops[run_stop], copy_stop, t1)
    return gops[run_start], stop_packet, copy_stop


def _gop_head(index: SourceIndex, t0: int, t1: int, convertible: bool) -> tuple[Gop, int, int] | None:
    """When no whole GOP fits: the copyable head of the first GOP that can open a run."""
    first = next((g for g in index.gops if _can_open(g, t0, t1, convertible, whole=False)), None)
    if first is None:
        return None
    stop_packet, copy_stop = _copyable_prefix(index, first, first.key_pts, t1)
    return None if stop_packet == first.first else (first, stop_packet, copy_stop)


def _copyable_prefix(index: SourceIndex, gop: Gop, from_pts: int, t1: int) -> tuple[int, int]:
    """The longest run of `gop`'s packets, in decode order, that shows exactly the frames from `from_pts`
    up to some frame before `t1`: (stop packet, stop pts). Copying it instead of re-encoding the tail is
    safe because a picture only refers to pictures decoded before it, and the re-encoded rest of the clip
    starts with an IDR picture. With B-frames such a run ends every few pictures, so at most a couple of
    frames are left to re-encode instead of most of a GOP.
    """
    first_frame, limit = index.frame_at(from_pts), index.frame_at(t1)
    best, best_frame = gop.first, first_frame
    highest, count = -1, 0
    for position in range(gop.first, gop.stop):
        pts = index.packets[position].pts
        frame = index.frame_at(pts)
        if frame < first_frame and pts < gop.key_pts and from_pts == gop.key_pts:
            continue  # a leading picture of an open GOP that starts the run: dropped there, see _Segment.drop
        if frame < first_frame or frame >= limit:
            break
        highest, count = max(highest, frame), count + 1
        if highest - first_frame + 1 == count:
            best, best_frame = position + 1, highest + 1
    return best, index.pts_of(best_frame)


def _can_convert(index: SourceIndex) -> bool:
    bitstream = index.bitstream
    if bitstream is None or bitstream.config is None:
        return False
    try:
        return h264.SpliceRewriter(bitstream.config).supported()
    except (h264.H264Error, KeyError):
        return False


def _plan_fast(index: SourceIndex, start: int, end: int) -> _Plan:
    t0, t_last = index.pts_of(start), index.pts_of(end - 1)

    def can_start(i: int) -> bool:
        g = index.gops[i]
        return (g.clean if index.codec == "h264" else g.closed) or i == 0

    first_gop = max(i for i, g in enumerate(index.gops) if g.key_pts <= t0 and can_start(i))
    last_packet = next(i for i, p in enumerate(index.packets) if p.pts == t_last)
    last_gop = index.gop_of_packet(last_packet)
    first, last = index.gops[first_gop], index.gops[last_gop]
    lo = min(g.min_pts for g in index.gops[first_gop:last_gop + 1])
    hi = max(g.max_pts for g in index.gops[first_gop:last_gop + 1])
    a, b = index.frame_at(lo), index.frame_at(hi) + 1
    warnings = ["fast mode is not frame-accurate: the clip was widened to whole GOPs, "
                f"frames {a}-{b - 1} instead of {start}-{end - 1}"]
    if b - a != last.stop - first.first:
        warnings.append("the copied GOPs do not tile the timeline; some frames may not decode")
    return _Plan("stream-copy", lo, a, b, [_Segment(True, lo, index.pts_of(b), first.first, last.stop)],
                 warnings)


def _copied_packets(container: av.container.InputContainer, index: SourceIndex, seg: _Segment
                    ) -> Iterator[av.Packet]:
    stream = container.streams.video[0]
    read_only(container, stream)
    first = index.packets[seg.first_packet]
    container.seek(first.raw, stream=stream, backward=True, any_frame=False)
    position: int | None = None
    for packet in container.demux(stream):
        if packet.size == 0:
            continue
        pts = packet.pts if packet.pts is not None else packet.dts
        if position is None:
            if not (packet.is_keyframe and pts == first.raw):
                continue  # the seek landed before our keyframe
            position = seg.first_packet
        if position >= seg.stop_packet:
            return
        expected = index.packets[position]
        if pts != expected.raw:
            raise ClipError("the source changed while it was being cut")
        position += 1
        yield packet
    if position is None or position < seg.stop_packet:
        raise ClipError("could not read all the packets to copy; the source may be damaged")


@dataclass
class _VideoOut:
    pts: int
    data: bytes | av.Packet
    key: bool


# Encoded edge packets the worker may run ahead of the muxer: a whole edge GOP for any usual GOP length (so
# the tail edge is ready when the copy reaches it), yet bounded when a whole clip has to be re-encoded.
_EDGE_BUFFER = 600
_DONE = object()


class _EdgeWorker:
    """Decodes and re-encodes the edge segments in the background (see clip_encode.encode_edges).

    PyAV releases the GIL while demuxing, decoding and encoding, so the edges are made on the other core
    while the main thread writes the clip. The packets of each segment are handed over as soon as they are
    made, so that the head can be written while the tail is still being made. With `tail_after_copy` the
    tail is decoded once `copy_done` is set; otherwise from the start.
    """

    def __init__(self, index: SourceIndex, encoder: EdgeEncoder, segments: list[_Segment], origin: int, *,
                 tail_after_copy: bool = False) -> None:
        self._index, self._encoder, self._origin = index, encoder, origin
        self._spans = [(s.first_pts, s.stop_pts) for s in segments if not s.copy]
        self._queues: list[queue.Queue[object]] = [queue.Queue(_EDGE_BUFFER) for _ in self._spans]
        self._stop = threading.Event()
        self.copy_done = threading.Event()
        if not tail_after_copy:
            self.copy_done.set()
        self._thread = threading.Thread(target=self._run, name="clip-edges", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        index = self._index
        left = [index.frame_at(b) - index.frame_at(a) for a, b in self._spans]
        try:
            for k, packet in encode_edges(index, self._encoder, self._spans, self._origin,
                                          later=(self.copy_done, self._stop)):
                if not self._put(self._queues[k], packet):
                    return
                left[k] -= 1
                if left[k] == 0 and not self._put(self._queues[k], _DONE):
                    return
        except BaseException as exc:  # handed to the main thread, which raises it where it waits
            for out in self._queues:
                self._put(out, exc)
            return
        for k, out in enumerate(self._queues):
            if left[k] > 0:  # fewer packets than frames: cut() reports the shortfall
                self._put(out, _DONE)

    def _put(self, out: queue.Queue[object], item: object) -> bool:
        while not self._stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def packets(self, k: int) -> Iterator[EncodedPacket]:
        """The packets of the k-th edge segment, as the worker makes them."""
        out = self._queues[k]
        while True:
            item = out.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, EncodedPacket)
            yield item

    def close(self) -> None:
        self._stop.set()
        self.copy_done.set()  # a tail still waiting for it gives up (see encode_edges)
        self._thread.join()


def _video_packets(source: av.container.InputContainer, index: SourceIndex, plan: _Plan, encoder: EdgeEncoder | None,
                   counters: dict[str, int], context: av.video.codeccontext.VideoCodecContext | None,
                   edges: _EdgeWorker | None) -> Iterator[_VideoOut]:
    bitstream = index.bitstream
    strip: set[bytes] = set()
    if bitstream is not None and bitstream.config is not None:
        strip = set(bitstream.config.sps) | set(bitstream.config.pps)
    edge = 0
    for seg in plan.segments:
        if seg.copy:
            rewriter = None
            if seg.convert and bitstream is not None and bitstream.config is not None:
                rewriter = h264.SpliceRewriter(bitstream.config)
            key_pts = index.packets[seg.first_packet].pts
            for position, packet in enumerate(_copied_packets(source, index, seg), seg.first_packet):
                pts = index.packets[position].pts
                if seg.drop and position < index.gops[index.gop_of_packet(seg.first_packet)].stop \
                        and pts < key_pts:
                    continue  # a leading picture of the first open GOP: re-encoded in the head instead
                counters["copied"] += 1
                if rewriter is not None:
                    assert bitstream is not None
                    nals = _rewrite(rewriter, bitstream.nals(bytes(packet)), position == seg.first_packet,
                                    strip)
                    data = h264.to_length_prefixed(nals)
                    yield _VideoOut(pts - plan.origin, data, bool(packet.is_keyframe))
                elif bitstream is None or bitstream.passthrough:
                    yield _VideoOut(pts - plan.origin, packet, bool(packet.is_keyframe))
                else:  # Annex B (MXF) or odd length prefixes: re-frame without touching the slices
                    nals = [n for n in bitstream.nals(bytes(packet))
                            if n not in strip and h264.nal_type(n) != h264.NAL_AUD]
                    data = h264.to_length_prefixed(nals)
                    yield _VideoOut(pts - plan.origin, data, bool(packet.is_keyframe))
        else:
            assert encoder is not None
            made = (edges.packets(edge) if edges is not None else
                    (p for _, p in encode_edges(index, encoder, [(seg.first_pts, seg.stop_pts)], plan.origin,
                                                context)))
            edge += 1
            for enc in made:
                counters["encoded"] += 1
                yield _VideoOut(enc.pts, enc.data, enc.key)


def _rewrite(rewriter: h264.SpliceRewriter, nals: list[bytes], first: bool, strip: set[bytes]) -> list[bytes]:
    out: list[bytes] = []
    for nal in nals:
        kind = h264.nal_type(nal)
        if nal in strip or kind in (h264.NAL_AUD, h264.NAL_SPS, h264.NAL_PPS):
            continue
        if first:
            if kind == h264.NAL_SLICE:
                out.append(rewriter.to_idr(nal))
            elif kind != h264.NAL_SEI:  # the recovery point SEI would be wrong on an IDR picture
                out.append(nal)
        elif kind == h264.NAL_IDR:
            rewriter.active = False  # a real IDR restarts frame_num: nothing more to renumber
            out.append(nal)
        elif kind == h264.NAL_SLICE and rewriter.active:
            out.append(rewriter.follow(nal))
        else:
            out.append(nal)
    return out


def _free_parameter_set_id(index: SourceIndex) -> int:
    used = {0}
    if index.bitstream is not None and index.bitstream.config is not None:
        used |= {h264.sps_id(s) for s in index.bitstream.config.sps}
        used |= {h264.pps_ids(p)[0] for p in index.bitstream.config.pps}
    return max(used) + 1 if max(used) < 31 else next(i for i in range(32) if i not in used)


def cut(source: Path, output: Path, *, start: int, end: int, mode: Mode = "accurate",
        progress: Callable[[float], None] | None = None, captions: Sequence[CaptionTrack] = ()) -> ClipReport:
    """Write frames [start, end) of `source` to `output` (MP4 or MOV, by suffix) and say how it was done.

    `captions`: a mov_text track per language, cues counted from frame `start` (a fast clip that starts earlier
    shows them on the same source frames)."""
    began = time.perf_counter()
    source, output = Path(source), Path(output)
    fmt = _CONTAINERS.get(output.suffix.lower())
    if fmt is None:
        raise ClipError(f"{output.name}: clips are written as .mp4 or .mov")
    if mode not in ("accurate", "fast"):
        raise ClipError(f"unknown mode {mode!r}")
    index = _index(source)
    _check_range(start, end, index.frames, index.rate)
    plan = _plan_accurate(index, start, end) if mode == "accurate" else _plan_fast(index, start, end)
    encoder: EdgeEncoder | None = None
    if any(not s.copy for s in plan.segments):
        smart = index.bitstream is not None
        encoder = EdgeEncoder.matching(index, sps_id=_free_parameter_set_id(index) if smart else 0,
                                       match_source=smart)
    try:
        counters = _write(index, plan, encoder, output, fmt, progress,
                          _Captions(captions, start - plan.first_frame))
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    start_tc = _clip_timecode(index, plan.first_frame)
    total = plan.stop_frame - plan.first_frame
    if counters["copied"] + counters["encoded"] != total:
        raise ClipError(f"internal error: wrote {counters['copied'] + counters['encoded']} frames, "
                        f"expected {total}")
    if progress:
        progress(1.0)
    copied = next(((index.frame_at(s.first_pts), index.frame_at(s.stop_pts) - 1)
                   for s in plan.segments if s.copy), None)
    return ClipReport(mode, plan.method, start, end, plan.first_frame, plan.stop_frame - 1,
                      counters["copied"], counters["encoded"], start_tc, index.rate,
                      plan.warnings + index.warnings, time.perf_counter() - began, copied)


def _clip_timecode(index: SourceIndex, first_frame: int) -> str:
    base = 0
    if index.start_timecode:
        try:
            base = timecode_to_frames(index.start_timecode, index.rate)
        except TimecodeError:
            index.warnings.append(f"ignored the source's unreadable timecode {index.start_timecode!r}")
    return frames_to_timecode(base + first_frame, index.rate)


@dataclass(frozen=True)
class _Captions:
    tracks: Sequence[CaptionTrack]
    shift: int  # clip frames from the first frame written to the frame the cues count from


def _write(index: SourceIndex, plan: _Plan, encoder: EdgeEncoder | None, output: Path, fmt: str,
           progress: Callable[[float], None] | None, captions: _Captions) -> dict[str, int]:
    counters = {"copied": 0, "encoded": 0}
    reorder = max(index.reorder, encoder.bframes if encoder else 0)
    edges: _EdgeWorker | None = None
    # Caption tracks go through FFmpeg's muxer (clip_mp4 writes picture and sound only): a clip without them
    # keeps the direct writer's speed.
    copy = None if captions.tracks else _direct_copy(index, plan, fmt)
    if encoder is not None and (index.bitstream is not None or any(s.copy for s in plan.segments)):
        # Not when the output stream's own encoder makes a non-H.264 source's whole clip (see _mux).
        # Writing MP4 directly, the middle is copied by the kernel in a fraction of the head's time: the tail
        # waits for it (measured: 3-6 % faster). FFmpeg's muxer copies after the head, so there it does not.
        edges = _EdgeWorker(index, encoder, plan.segments, plan.origin, tail_after_copy=copy is not None)
    try:
        if copy is not None:
            _write_direct(index, plan, encoder, output, progress, counters, reorder, edges, copy)
        else:
            _mux(index, plan, encoder, output, fmt, progress, counters, reorder, edges, captions)
    finally:
        if edges is not None:
            edges.close()
    return counters


def _direct_copy(index: SourceIndex, plan: _Plan, fmt: str) -> _Segment | None:
    """The copied segment, when the clip can be written by clip_mp4 (see there) instead of FFmpeg's muxer."""
    copies = [s for s in plan.segments if s.copy]
    bitstream = index.bitstream
    if (fmt != "mp4" or index.mp4 is None or len(copies) != 1 or copies[0].convert or copies[0].drop
            or bitstream is None or not bitstream.passthrough or bitstream.config is None
            or index.time_base.numerator != 1
            or clip_mp4.video_entry(index.mp4.video.sample_entry or b"", bitstream.config) is None):
        return None
    return copies[0]


def _write_direct(index: SourceIndex, plan: _Plan, encoder: EdgeEncoder | None, output: Path,
                  progress: Callable[[float], None] | None, counters: dict[str, int], reorder: int,
                  edges: _EdgeWorker | None, copy: _Segment) -> None:
    head_edge = not plan.segments[0].copy
    tail_edge = not plan.segments[-1].copy
    assert edges is not None or not (head_edge or tail_edge)
    head = edges.packets(0) if edges is not None and head_edge else iter(())
    tail = edges.packets(1 if head_edge else 0) if edges is not None and tail_edge else iter(())
    start_tc = _clip_timecode(index, plan.first_frame)
    timecode = (timecode_to_frames(start_tc, index.rate), ";" in start_tc)
    span = (plan.origin, index.pts_of(plan.stop_frame - 1) + index.frame_duration)

    # The avcC is written last: by then the edges' own encoder has given its parameter sets.
    def config() -> h264.AvcConfig:
        made = _output_config(index, encoder, True, False)
        assert made is not None
        return made

    counters["encoded"] = clip_mp4.write(output, index, (copy.first_packet, copy.stop_packet), span, (head, tail),
                                         config, reorder, timecode, progress,
                                         edges.copy_done if edges is not None else None)
    counters["copied"] = copy.stop_packet - copy.first_packet


def _mux(index: SourceIndex, plan: _Plan, encoder: EdgeEncoder | None, output: Path, fmt: str,
         progress: Callable[[float], None] | None, counters: dict[str, int], reorder: int,
         edges: _EdgeWorker | None, captions: _Captions) -> None:
    clip_pts = [p - plan.origin for p in index.display[plan.first_frame:plan.stop_frame]]
    dts_of = clip_mp4.decode_times(clip_pts, reorder, index.frame_duration)
    duration = index.frame_duration
    options = {"movflags": "+negative_cts_offsets", "write_tmcd": "1"}
    with open_input(index.path) as template, av.open(str(output), "w", format=fmt, options=options) as out:
        video_in = template.streams.video[0]
        copies = any(s.copy for s in plan.segments)
        context: av.video.codeccontext.VideoCodecContext | None = None
        if copies or index.bitstream is not None:
            ov = out.add_stream_from_template(video_in)
            config = _output_config(index, encoder, copies, any(s.convert for s in plan.segments))
            if config is not None:
                ov.codec_context.extradata = config.build()
        else:  # another codec: the output stream's own encoder makes the whole clip
            assert encoder is not None
            ov = out.add_stream("libx264", rate=index.rate)
            context = encoder.open(ov.codec_context)
        ov.time_base = index.time_base
        ov.metadata["timecode"] = _clip_timecode(index, plan.first_frame)
        clip_stop = plan.origin + clip_pts[-1] + duration
        audio_plan = AudioPlan.for_clip(index, template, out, plan.origin, clip_stop)

        time_base, seconds_per_tick = index.time_base, float(index.time_base)

        def video_stream() -> Iterator[tuple[float, av.Packet]]:
            for k, item in enumerate(_video_packets(template, index, plan, encoder, counters, context, edges)):
                dts = dts_of[k]
                if dts > item.pts:
                    raise ClipError(f"internal error: B-frame reordering deeper than {reorder} frames")
                packet = item.data if isinstance(item.data, av.Packet) else av.Packet(item.data)
                packet.pts, packet.dts, packet.duration = item.pts, dts, duration
                packet.time_base = time_base
                packet.is_keyframe = item.key
                packet.stream = ov
                if progress and k % 50 == 0:
                    progress(min(0.99, k / max(1, len(clip_pts))))
                yield dts * seconds_per_tick, packet

        audio = audio_packets(audio_plan) if audio_plan else iter(())
        if captions.tracks:
            streams = clip_captions.add_streams(out, captions.tracks, index.rate)
            texts = clip_captions.packets(streams, captions.tracks, index.rate, shift=captions.shift,
                                          stop=plan.stop_frame - plan.first_frame)
            audio = heapq.merge(audio, texts, key=lambda timed: timed[0])
        _interleave(out, video_stream(), audio)


def _output_config(index: SourceIndex, encoder: EdgeEncoder | None, copies: bool,
                   converted: bool) -> h264.AvcConfig | None:
    """The avcC record: the source's parameter sets for copied GOPs plus the edge encoder's, side by side."""
    source = index.bitstream.config if index.bitstream is not None else None
    if source is not None and converted:
        source = h264.AvcConfig(source.length_size, [h264.allow_frame_num_gaps(s) for s in source.sps],
                                source.pps, source.extension)
    edge = encoder.parameter_sets() if encoder is not None else None
    if copies and source is not None:
        if edge is None:
            return h264.AvcConfig(4, list(source.sps), list(source.pps), source.extension)
        return h264.AvcConfig(4, source.sps + edge.sps, source.pps + edge.pps, source.extension)
    return edge


def _interleave(out: av.container.OutputContainer, video: Iterator[tuple[float, av.Packet]],
                audio: Iterator[tuple[float, av.Packet]]) -> None:
    """Mux two time-ordered packet streams in time order, holding at most one packet of each."""
    v = next(video, None)
    a = next(audio, None)
    while v is not None or a is not None:
        if a is None or (v is not None and v[0] <= a[0]):
            assert v is not None
            out.mux(v[1])
            v = next(video, None)
        else:
            out.mux(a[1])
            a = next(audio, None)
