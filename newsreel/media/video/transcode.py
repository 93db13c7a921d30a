"""Video renditions: one streaming decode of the master feeds any number of H.264/AAC MP4 encoders and
frame taps (storyboard, poster), so a master is decoded once however many renditions it gets.

Memory stays bounded: packets and frames flow straight from demuxer to encoder to muxer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol, TypeVar

import av
import av.container
import av.filter
from av.video.reformatter import Colorspace, VideoReformatter

from newsreel.media.budget import DecodeBudget
from newsreel.media.frames import audio_copies
from newsreel.media.limits import DEFAULT_LIMITS, MediaLimits
from newsreel.media.probe import MediaInfo, probe
from newsreel.media.renditions import Progress, ProgressSpan, RenditionFile, atomic_path, describe
from newsreel.media.safeio import DamagedMedia, UnsupportedMedia, open_input
from newsreel.media.video.geometry import output_size

# swscale's bilinear widens its kernel when shrinking, so at 1.5:1 it is as clean as bicubic and ~20 %
# cheaper: it is a per-frame cost on the Python thread, which the encoder threads cannot hide.
SCALER = "BILINEAR"
DEFAULT_THREADS = 2
_MAX_DECODE_ERRORS = 25
_BT709 = 1
_TV_RANGE = 1


@dataclass(frozen=True)
class VideoProfile:
    """How one MP4 rendition is encoded. Sizes are a bounding box: never upscaled, aspect kept."""

    role: str
    max_width: int
    max_height: int
    preset: str
    crf: int
    maxrate: int  # bits/s, VBV cap so a rendition streams predictably
    bufsize: int
    h264_profile: str = "high"
    gop_seconds: float = 2.0
    audio_bitrate: int = 128_000
    audio_rate: int = 48_000
    keep_timecode: bool = False
    x264_params: dict[str, str] = field(default_factory=dict)


WEB_PREVIEW = VideoProfile(
    role="web",
    max_width=1280,
    max_height=720,
    preset="veryfast",
    crf=23,
    maxrate=3_000_000,
    bufsize=6_000_000,
    audio_bitrate=128_000,
)
BROADCAST = VideoProfile(
    role="broadcast",
    max_width=1920,
    max_height=1080,
    preset="faster",
    crf=16,
    maxrate=30_000_000,
    bufsize=30_000_000,
    audio_bitrate=320_000,
    keep_timecode=True,
)


class FrameTap(Protocol):
    """Something that sees every decoded (and deinterlaced) frame of a transcode: storyboard, poster."""

    def __call__(self, frame: av.VideoFrame, seconds: float) -> None: ...

    def finish(self) -> None: ...


_FULL_RANGE = 2
# AVColorSpace of a frame -> swscale matrix. Untagged pictures follow the usual convention: BT.709 for HD,
# BT.601 below. Naming both ends lets swscale skip the matrix step (3x the scaling cost) when they agree.
_MATRICES = {
    1: Colorspace.ITU709,
    4: Colorspace.FCC,
    5: Colorspace.ITU601,
    6: Colorspace.SMPTE170M,
    7: Colorspace.SMPTE240M,
    9: Colorspace.BT2020,
    10: Colorspace.BT2020,
}


def source_matrix(frame: av.VideoFrame) -> Colorspace:
    tagged = _MATRICES.get(int(frame.colorspace or 2))
    if tagged is not None:
        return tagged
    return Colorspace.ITU709 if frame.height >= 720 else Colorspace.ITU601


class _Encoder:
    """One MP4 output: H.264 video plus AAC stereo audio, written to a temporary name."""

    def __init__(
        self,
        profile: VideoProfile,
        path: Path,
        info: MediaInfo,
        has_audio: bool,
        threads: int,
        start_timecode: str | None,
    ) -> None:
        assert info.video is not None
        v = info.video
        self.profile = profile
        self.rate = v.frame_rate
        self.width, self.height = output_size(
            *v.upright_size, v.upright_sample_aspect_ratio, profile.max_width, profile.max_height
        )
        self.container = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
        if profile.keep_timecode and start_timecode:
            self.container.metadata["timecode"] = start_timecode
        stream = self.container.add_stream("libx264", rate=self.rate)
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, "yuv420p"
        cc = stream.codec_context
        cc.time_base = 1 / self.rate
        gop = max(1, round(profile.gop_seconds * self.rate))
        cc.gop_size = gop
        cc.color_primaries = cc.color_trc = cc.colorspace = _BT709
        cc.color_range = _TV_RANGE
        params = {
            "keyint": str(gop),
            "min-keyint": str(gop),
            "scenecut": "0",
            "threads": str(threads),
            "lookahead-threads": "1",
            **profile.x264_params,
        }
        stream.options = {
            "preset": profile.preset,
            "crf": str(profile.crf),
            "profile": profile.h264_profile,
            "maxrate": str(profile.maxrate),
            "bufsize": str(profile.bufsize),
            "x264-params": ":".join(f"{k}={val}" for k, val in params.items()),
        }
        self.video = stream
        self.audio = None
        if has_audio:
            self.audio = self.container.add_stream("aac", rate=profile.audio_rate, layout="stereo")
            self.audio.bit_rate = profile.audio_bitrate
        self.reformatter = VideoReformatter()
        self.last_pts = -1

    def encode_video(self, frame: av.VideoFrame, seconds: float) -> None:
        pts = round(seconds * self.rate)
        if pts <= self.last_pts:  # variable-rate sources: keep the output at the nominal rate
            return
        self.last_pts = pts
        full_range = frame.color_range == _FULL_RANGE
        out = self.reformatter.reformat(
            frame,
            self.width,
            self.height,
            "yuv420p",
            src_colorspace=source_matrix(frame),
            dst_colorspace=Colorspace.ITU709,
            interpolation=SCALER,
            src_color_range="JPEG" if full_range else None,
            dst_color_range="MPEG" if full_range else None,
        )
        out.pts = pts
        out.time_base = self.video.codec_context.time_base
        out.pict_type = av.video.frame.PictureType.NONE
        self.container.mux(self.video.encode(out))

    def encode_audio(self, frame: av.AudioFrame) -> None:
        if self.audio is not None:
            self.container.mux(self.audio.encode(frame))

    def close(self) -> None:
        self.container.mux(self.video.encode(None))
        if self.audio is not None:
            self.container.mux(self.audio.encode(None))
        self.container.close()


# Display rotation (counter-clockwise, as stored by phones) -> filters that make the pixels upright.
_UPRIGHT = {90: [("transpose", "cclock")], 180: [("hflip", ""), ("vflip", "")], 270: [("transpose", "clock")]}


def _picture_graph(stream: av.VideoStream, *, deinterlace: bool, rotation: int) -> av.filter.Graph | None:
    """Deinterlace and/or rotate upright before anything sees the frames; None when neither is needed."""
    # bwdif's send_frame mode keeps the frame rate (25i -> 25p), so renditions keep the master's rate.
    steps = [("bwdif", "mode=send_frame:parity=auto:deint=interlaced")] if deinterlace else []
    steps += _UPRIGHT.get(rotation, [])
    if not steps:
        return None
    graph = av.filter.Graph()
    node = graph.add_buffer(template=stream)
    for name, args in steps:
        nxt = graph.add(name, args) if args else graph.add(name)
        node.link_to(nxt)
        node = nxt
    node.link_to(graph.add("buffersink"))
    graph.configure()
    return graph


def transcode_video(
    master: str | os.PathLike[str],
    targets: Sequence[tuple[VideoProfile, Path]],
    *,
    taps: Sequence[FrameTap] = (),
    info: MediaInfo | None = None,
    progress: Progress | None = None,
    threads: int = DEFAULT_THREADS,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> None:
    """Decode `master` once and write each (profile, path) target; frames also go to every tap.

    Each target is written to a temporary sibling and renamed into place only when complete.
    `threads` bounds the decoder's and each encoder's worker threads.
    """
    info = info or probe(master, limits=limits)
    if info.kind != "video" or info.video is None or info.duration is None:
        raise UnsupportedMedia(f"{Path(master).name}: not a video")
    span = ProgressSpan(progress)
    with ExitStack() as stack, open_input(master) as container:
        vstream = next(
            s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic
        )
        vstream.thread_type = "AUTO"
        vstream.codec_context.thread_count = threads
        astream = container.streams.audio[0] if container.streams.audio else None
        temps = [stack.enter_context(atomic_path(path)) for _, path in targets]
        encoders = [
            _Encoder(profile, tmp, info, astream is not None, threads, info.start_timecode)
            for (profile, _), tmp in zip(targets, temps, strict=True)
        ]
        try:
            _run(container, vstream, astream, encoders, taps, info, span)
        except BaseException:
            for enc in encoders:
                enc.container.close()
            raise
        for enc in encoders:
            enc.close()
    for tap in taps:
        tap.finish()
    span(1.0)


def _run(
    container: av.container.InputContainer,
    vstream: av.VideoStream,
    astream: av.AudioStream | None,
    encoders: list[_Encoder],
    taps: Sequence[FrameTap],
    info: MediaInfo,
    span: ProgressSpan,
) -> None:
    assert info.video is not None and info.duration
    graph = _picture_graph(vstream, deinterlace=info.video.interlaced, rotation=info.video.rotation)
    streams: list[Any] = [vstream] + ([astream] if astream is not None and encoders else [])
    budget = DecodeBudget(info.duration, float(info.video.frame_rate))
    fanout = _Fanout(vstream, graph, encoders, taps, info.duration, span, budget)
    try:
        _pump(container, streams, vstream, fanout.video_frames, fanout.handle_video, fanout.handle_audio)
    except _TapsDone:
        return
    if fanout.frames_out == 0:
        raise DamagedMedia("the video holds no decodable picture; it may be truncated or damaged")


class _Fanout:
    """Decoded pictures (through the picture graph) and sound, timed from the first picture, to every encoder
    and tap."""

    def __init__(self, vstream: av.VideoStream, graph: av.filter.Graph | None, encoders: list[_Encoder],
                 taps: Sequence[FrameTap], duration: float, span: ProgressSpan, budget: DecodeBudget) -> None:
        self.vstream, self.graph, self.encoders, self.taps = vstream, graph, encoders, taps
        self.duration, self.span, self.budget = duration, span, budget
        self.t0: float | None = None
        self.frames_out = 0

    def video_frames(self, packet: av.Packet) -> list[av.VideoFrame]:
        decoded = self.vstream.decode(packet)
        graph = self.graph
        if graph is None:
            return list(decoded)
        result = []
        for frame in decoded:
            graph.push(frame)
            result.extend(_drain(graph))
        if packet.size == 0:  # end of stream: flush the deinterlacer too
            graph.push(None)
            result.extend(_drain(graph))
        return result

    def handle_video(self, frame: av.VideoFrame) -> None:
        if frame.time is None:
            return
        if self.t0 is None:
            self.t0 = frame.time
        seconds = frame.time - self.t0
        self.budget.picture(seconds)
        for enc in self.encoders:
            enc.encode_video(frame, seconds)
        for tap in self.taps:
            tap(frame, seconds)
        self.frames_out += 1
        self.span(seconds / self.duration)
        if not self.encoders and all(getattr(tap, "done", False) for tap in self.taps):
            raise _TapsDone

    def handle_audio(self, frame: av.AudioFrame) -> None:
        if self.t0 is None or frame.time is None:
            return  # audio before the first picture would desynchronise the start
        pts = round((frame.time - self.t0) * frame.sample_rate)
        if pts < 0:
            return
        self.budget.sound(frame.time - self.t0)
        frame.pts = pts
        frame.time_base = Fraction(1, frame.sample_rate)
        for enc, own in zip(self.encoders, audio_copies(frame, len(self.encoders)), strict=True):
            enc.encode_audio(own)


class _TapsDone(Exception):
    """Every tap has what it needs and nothing is being encoded: stop decoding early."""


def _pump(
    container: av.container.InputContainer,
    streams: list[Any],
    vstream: av.VideoStream,
    video_frames: Callable[[av.Packet], list[av.VideoFrame]],
    handle_video: Callable[[av.VideoFrame], None],
    handle_audio: Callable[[av.AudioFrame], None],
) -> None:
    errors = 0
    for packet in container.demux(streams):
        is_video = packet.stream is vstream
        try:
            frames: list[Any] = video_frames(packet) if is_video else list(packet.decode())
        except av.FFmpegError as exc:
            errors += 1
            if errors > _MAX_DECODE_ERRORS:
                raise DamagedMedia(f"the video is damaged: too many undecodable packets ({exc})") from exc
            continue
        for frame in frames:
            if is_video:
                handle_video(frame)
            else:
                handle_audio(frame)


def _drain(graph: av.filter.Graph) -> list[av.VideoFrame]:
    out = []
    while True:
        try:
            out.append(graph.vpull())
        except (av.BlockingIOError, av.EOFError):
            return out


def web_preview(
    master: str | os.PathLike[str],
    out_path: Path,
    *,
    progress: Progress | None = None,
    threads: int = DEFAULT_THREADS,
) -> RenditionFile:
    """An H.264 High/AAC MP4 for browsers: at most 720p, fast start, keyframe every 2 s."""
    transcode_video(master, [(WEB_PREVIEW, out_path)], progress=progress, threads=threads)
    return describe(out_path, WEB_PREVIEW.role, "mp4")


def broadcast(
    master: str | os.PathLike[str],
    out_path: Path,
    *,
    progress: Progress | None = None,
    threads: int = DEFAULT_THREADS,
) -> RenditionFile:
    """A high-bitrate H.264 MP4 up to 1080p, keeping the frame rate and the start timecode."""
    transcode_video(master, [(BROADCAST, out_path)], progress=progress, threads=threads)
    return describe(out_path, BROADCAST.role, "mp4")


TapT = TypeVar("TapT", bound=FrameTap)


def decode_with_taps(
    master: str | os.PathLike[str],
    build: Callable[[MediaInfo], TapT],
    *,
    progress: Progress | None = None,
    threads: int = DEFAULT_THREADS,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> TapT:
    """Decode `master` through one tap made by `build(info)`, without encoding anything."""
    info = probe(master, limits=limits)
    if info.kind != "video" or info.video is None or info.duration is None:
        raise UnsupportedMedia(f"{Path(master).name}: not a video")
    tap = build(info)
    transcode_video(master, [], taps=[tap], info=info, progress=progress, threads=threads, limits=limits)
    return tap
