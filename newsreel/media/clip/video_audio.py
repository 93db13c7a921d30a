"""The audio of a clip: cut to the same instants as the video, with no edit list.

Compressed audio (AAC and friends) is stream-copied, never re-encoded: the packets from the one that starts
nearest the clip's first frame to the one nearest its end. Nothing is hidden behind an edit list (editing
software often ignores them), so the audio starts with the video to within half an audio frame (10.7 ms for
AAC at 48 kHz; broadcast lip-sync tolerance is 40 ms lead / 60 ms lag, EBU R37) and lasts as long to within
one audio frame. The original audio is untouched (no join, so no click); the decoder fades in over the first
frame because it has no previous frame to overlap with.
Audio MP4 cannot carry (e.g. PCM from MXF) is decoded, trimmed to the sample and encoded to AAC; the
encoder's priming packet is left out for the same reason, so that audio is in sync to the sample.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import av

from newsreel.media.clip.index import SourceIndex, read_only
from newsreel.media.safeio import open_input

_MP4_COPYABLE = {"aac", "mp3", "ac3", "eac3", "opus", "alac", "flac"}
_MOV_COPYABLE = _MP4_COPYABLE | {"pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s24be", "pcm_s32le", "pcm_f32le"}


@dataclass
class AudioPlan:
    index: SourceIndex
    stream: av.audio.stream.AudioStream  # output stream
    time_base: Fraction  # source audio time base
    origin: int  # source audio pts of the clip's first sample
    stop: int  # exclusive
    copy: bool
    sample_rate: int
    layout: str

    tick: float = 0.0  # seconds per time_base unit

    def __post_init__(self) -> None:
        self.tick = float(self.time_base)

    @classmethod
    def for_clip(cls, index: SourceIndex, template: av.container.InputContainer,
                 out: av.container.OutputContainer, video_origin: int, video_stop: int) -> AudioPlan | None:
        if not template.streams.audio:
            return None
        src = template.streams.audio[0]
        tb = Fraction(src.time_base) if src.time_base else Fraction(1, src.codec_context.sample_rate)
        origin = round(video_origin * index.time_base / tb)
        stop = round(video_stop * index.time_base / tb)
        name = src.codec_context.name
        copyable = _MOV_COPYABLE if out.format.name == "mov" else _MP4_COPYABLE
        layout = src.codec_context.layout.name if src.codec_context.layout else "stereo"
        rate = src.codec_context.sample_rate
        if name in copyable:
            stream = out.add_stream_from_template(src)
            return cls(index, stream, tb, origin, stop, True, rate, layout)
        index.warnings.append(f"{name} audio cannot be stored in this container: it was re-encoded to AAC")
        if layout not in ("mono", "stereo", "5.1", "5.1(side)"):
            layout = "stereo"
        stream = out.add_stream("aac", rate=rate, layout=layout)
        return cls(index, stream, tb, origin, stop, False, rate, layout)


def audio_packets(plan: AudioPlan) -> Iterator[tuple[float, av.Packet]]:
    """Output audio packets with their presentation time in seconds, in order."""
    return _copied(plan) if plan.copy else _reencoded(plan)


def _seek(container: av.container.InputContainer, stream: av.audio.stream.AudioStream,
          plan: AudioPlan) -> None:
    read_only(container, stream)
    # Two seconds early: the demuxer's keyframe index for audio is coarse in some containers.
    target = plan.origin - round(2 / plan.time_base)
    if target > 0:
        container.seek(target, stream=stream, backward=True, any_frame=False)


def _copied(plan: AudioPlan) -> Iterator[tuple[float, av.Packet]]:
    with open_input(plan.index.path) as container:
        src = container.streams.audio[0]
        _seek(container, src, plan)
        base: int | None = None
        for packet in container.demux(src):
            if packet.size == 0 or packet.pts is None:
                continue
            middle = packet.pts + (packet.duration or 0) / 2
            if base is None:
                if middle < plan.origin:
                    continue  # mostly before the clip: the next packet starts nearer its first frame
                base = packet.pts
            elif middle >= plan.stop:
                return  # (the first packet is kept even then: a clip shorter than an audio frame has audio)
            yield _retime(packet, base, plan)


def _retime(packet: av.Packet, base: int, plan: AudioPlan) -> tuple[float, av.Packet]:
    pts = (packet.pts or 0) - base
    packet.pts = packet.dts = pts
    packet.stream = plan.stream  # the packet keeps its source time base; mux() rescales
    return pts * plan.tick, packet


def _reencoded(plan: AudioPlan) -> Iterator[tuple[float, av.Packet]]:
    """Decode, trim to the exact samples, resample to the encoder's format and encode."""
    encoder = plan.stream.codec_context
    fifo = av.AudioFifo()
    resampler = av.AudioResampler(format=encoder.format.name if encoder.format else "fltp",
                                  layout=plan.layout, rate=plan.sample_rate)
    first = round(plan.origin * plan.time_base * plan.sample_rate)  # in samples
    last = round(plan.stop * plan.time_base * plan.sample_rate)
    written = 0
    with open_input(plan.index.path) as container:
        src = container.streams.audio[0]
        _seek(container, src, plan)
        for packet in container.demux(src):
            _trim_into(fifo, resampler, packet, plan, first, last)
            # frame_size is read each time: PyAV opens the encoder at its first frame.
            while fifo.samples >= (block_size := encoder.frame_size or 1024):
                block = fifo.read(block_size)
                assert block is not None
                chunk = _stamped(block, written, plan.sample_rate)
                written += chunk.samples
                yield from _encode_unprimed(plan, chunk)
            if first + written >= last and fifo.samples == 0:
                break
    rest = fifo.read()
    if rest is not None and rest.samples:
        yield from _encode_unprimed(plan, _stamped(rest, written, plan.sample_rate))
    yield from _encode_unprimed(plan, None)


def _trim_into(fifo: av.AudioFifo, resampler: av.AudioResampler, packet: av.Packet, plan: AudioPlan, first: int,
               last: int) -> None:
    """Decode a packet and queue its samples in [first, last), resampled for the encoder."""
    for frame in cast("list[av.AudioFrame]", packet.decode()):  # an audio stream's packet
        if frame.pts is None:
            continue
        start = round(frame.pts * plan.time_base * plan.sample_rate)
        lo, hi = max(first, start), min(last, start + frame.samples)
        if hi <= lo:
            if start >= last:
                break
            continue
        for chunk in resampler.resample(slice_samples(frame, lo - start, hi - start)):
            fifo.write(chunk)


def _stamped(frame: av.AudioFrame, pts: int, sample_rate: int) -> av.AudioFrame:
    frame.pts, frame.time_base = pts, Fraction(1, sample_rate)
    return frame


def _encode_unprimed(plan: AudioPlan, frame: av.AudioFrame | None) -> Iterator[tuple[float, av.Packet]]:
    for packet in plan.stream.encode(frame):
        assert packet.pts is not None and packet.time_base is not None
        if packet.pts < 0:
            continue  # the encoder's priming: keeping it would need an edit list to hide it
        yield float(packet.pts * packet.time_base), packet


def slice_samples(frame: av.AudioFrame, lo: int, hi: int) -> av.AudioFrame:
    """Samples [lo, hi) of a decoded frame, as a new frame without a timestamp."""
    if lo == 0 and hi == frame.samples:
        frame.pts = None
        return frame
    import numpy as np  # only PCM re-encoding needs it: importing it costs the clip CLI ~0.3 s at start

    array = frame.to_ndarray()
    planar = frame.format.is_planar
    channels = 1 if planar else len(frame.layout.channels)
    part: Any = np.ascontiguousarray(array[:, lo * channels:hi * channels])
    out = av.AudioFrame.from_ndarray(part, format=frame.format.name, layout=frame.layout.name)
    out.sample_rate = frame.sample_rate
    return out
