"""Audio renditions (MP3, WAV) and the waveform (PNG image and peaks JSON) from an audio or video master.

One streaming decode feeds every output; peaks are accumulated into a fixed number of buckets, so memory does
not grow with the recording's length.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

from newsreel.media.budget import DecodeBudget
from newsreel.media.frames import audio_copies
from newsreel.media.limits import DEFAULT_LIMITS, MediaLimits
from newsreel.media.probe import MediaInfo, probe
from newsreel.media.renditions import (
    Progress,
    ProgressSpan,
    RenditionFile,
    atomic_path,
    describe,
    write_atomic,
)
from newsreel.media.safeio import DamagedMedia, UnsupportedMedia, open_input

WAVEFORM_SIZE = (1800, 280)
WAVEFORM_COLOUR = (31, 111, 235, 255)
PEAK_BUCKETS = 1800
_MAX_DECODE_ERRORS = 25


@dataclass(frozen=True)
class AudioProfile:
    role: str
    container: str  # mp3 or wav
    codec: str
    bitrate: int | None = None  # bits/s for lossy codecs
    rates: tuple[int, ...] = (48000, 44100, 32000)  # kept when the source uses one, else the first


MP3 = AudioProfile(role="audio_mp3", container="mp3", codec="libmp3lame", bitrate=256_000)
# The page's player: a preview below the downloads' quality, so that playing never hands out a download.
PREVIEW_MP3 = AudioProfile(role="audio_preview", container="mp3", codec="libmp3lame", bitrate=96_000)
WAV = AudioProfile(
    role="audio_wav", container="wav", codec="pcm_s16le", rates=(48000, 44100, 32000, 96000, 88200)
)


class Peaks:
    """Min/max of all channels per bucket over the whole recording."""

    def __init__(self, duration: float, sample_rate: int, buckets: int = PEAK_BUCKETS) -> None:
        self.sample_rate = sample_rate
        total = max(1, math.ceil(duration * sample_rate))
        self.samples_per_bucket = max(1, math.ceil(total / buckets))
        self.buckets = max(1, math.ceil(total / self.samples_per_bucket))
        self.low = np.zeros(self.buckets, np.float32)
        self.high = np.zeros(self.buckets, np.float32)
        self.position = 0

    def add(self, samples: np.ndarray) -> None:
        """`samples`: float array shaped (channels, n)."""
        n = samples.shape[1]
        if n == 0:
            return
        lows, highs = samples.min(axis=0), samples.max(axis=0)
        index = (self.position + np.arange(n)) // self.samples_per_bucket
        np.clip(index, 0, self.buckets - 1, out=index)
        np.minimum.at(self.low, index, lows)
        np.maximum.at(self.high, index, highs)
        self.position += n

    def as_json(self) -> dict[str, object]:
        """The audiowaveform v2 format that peaks.js and similar players read (8-bit values)."""
        data = np.empty(self.buckets * 2, np.int32)
        data[0::2] = np.clip(np.round(self.low * 128), -128, 127)
        data[1::2] = np.clip(np.round(self.high * 128), -128, 127)
        return {
            "version": 2,
            "channels": 1,
            "sample_rate": self.sample_rate,
            "samples_per_pixel": self.samples_per_bucket,
            "bits": 8,
            "length": self.buckets,
            "data": data.tolist(),
        }

    def image(
        self, size: tuple[int, int] = WAVEFORM_SIZE, colour: tuple[int, int, int, int] = WAVEFORM_COLOUR
    ) -> Image.Image:
        width, height = size
        img = Image.new("RGBA", size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        edges = np.linspace(0, self.buckets, width + 1).astype(int)
        mid = (height - 1) / 2
        for x in range(width):
            a, b = edges[x], max(edges[x] + 1, edges[x + 1])
            low, high = float(self.low[a:b].min()), float(self.high[a:b].max())
            y0, y1 = round(mid - high * mid), round(mid - low * mid)
            draw.line([(x, min(y0, y1)), (x, max(y0, y1))], fill=colour)
        return img


def _layout_for(channels: int) -> str:
    return "mono" if channels == 1 else "stereo"


def transcode_audio(
    master: str | os.PathLike[str],
    targets: Sequence[tuple[AudioProfile, Path]],
    *,
    peaks: Peaks | None = None,
    info: MediaInfo | None = None,
    progress: Progress | None = None,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> None:
    """Decode the first audio stream of `master` once, writing every target and feeding `peaks`."""
    info = info or probe(master, limits=limits)
    if info.audio is None or info.duration is None:
        raise UnsupportedMedia(f"{Path(master).name}: has no audio")
    span = ProgressSpan(progress)
    source = info.audio
    layout = _layout_for(source.channels)
    with ExitStack() as stack, open_input(master) as container:
        astream = container.streams.audio[0]
        outputs = [_open_output(stack, profile, path, source.sample_rate, layout) for profile, path in targets]
        to_float = av.AudioResampler(format="fltp", layout=layout, rate=source.sample_rate) if peaks else None
        samples = 0
        budget = DecodeBudget(info.duration)
        for frame in _decoded(container, astream):
            # Timestamps restart from the sample count: edit lists and gaps are not carried over.
            frame.pts = samples
            frame.time_base = Fraction(1, frame.sample_rate)
            samples += frame.samples
            budget.sound(samples / frame.sample_rate)
            consumers = audio_copies(frame, len(outputs) + (1 if to_float is not None else 0))
            for (out, stream), own in zip(outputs, consumers, strict=False):
                out.mux(stream.encode(own))
            if to_float is not None and peaks is not None:
                _add_peaks(peaks, to_float.resample(consumers[-1]))
            span(samples / source.sample_rate / info.duration)
        if to_float is not None and peaks is not None:
            _add_peaks(peaks, to_float.resample(None))
        if samples == 0:
            raise DamagedMedia(f"{Path(master).name}: the audio holds no decodable sound")
        for out, stream in outputs:
            out.mux(stream.encode(None))
    span(1.0)


def _open_output(stack: ExitStack, profile: AudioProfile, path: Path, source_rate: int,
                 layout: str) -> tuple[av.container.OutputContainer, av.AudioStream]:
    tmp = stack.enter_context(atomic_path(path))
    out = stack.enter_context(av.open(str(tmp), "w", format=profile.container))
    rate = source_rate if source_rate in profile.rates else profile.rates[0]
    stream = out.add_stream(profile.codec, rate=rate, layout=layout)
    assert isinstance(stream, av.AudioStream)
    if profile.bitrate:
        stream.bit_rate = profile.bitrate
    return out, stream


def _decoded(container: av.container.InputContainer, astream: av.AudioStream) -> Iterator[av.AudioFrame]:
    """Every decodable frame; a few undecodable packets are skipped, more mean the file is damaged."""
    errors = 0
    for packet in container.demux(astream):
        try:
            frames = astream.decode(packet)
        except av.FFmpegError as exc:
            errors += 1
            if errors > _MAX_DECODE_ERRORS:
                raise DamagedMedia(f"the audio is damaged: too many undecodable packets ({exc})") from exc
            continue
        yield from frames


def _add_peaks(peaks: Peaks, frames: list[av.AudioFrame]) -> None:
    for f in frames:
        peaks.add(f.to_ndarray())


def render_waveform(peaks: Peaks, out_dir: Path, basename: str = "waveform") -> list[RenditionFile]:
    png = out_dir / f"{basename}.png"
    with atomic_path(png) as tmp:
        peaks.image().save(tmp, "PNG", optimize=True)
    js = out_dir / f"{basename}.json"
    write_atomic(js, json.dumps(peaks.as_json(), separators=(",", ":")).encode())
    return [describe(png, "waveform", "png"), describe(js, "waveform_peaks", "json")]


def audio_renditions(
    master: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    info: MediaInfo | None = None,
    waveform: bool = True,
    preview: bool = False,
    basename: str = "audio",
    progress: Progress | None = None,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> list[RenditionFile]:
    """`<basename>.mp3`, `<basename>.wav` and (optionally) `waveform.png` + `waveform.json` and the player's
    `<basename>_preview.mp3` in `out_dir`."""
    info = info or probe(master, limits=limits)
    if info.audio is None or info.duration is None:
        raise UnsupportedMedia(f"{Path(master).name}: has no audio")
    out = Path(out_dir)
    mp3, wav = out / f"{basename}.mp3", out / f"{basename}.wav"
    peaks = Peaks(info.duration, info.audio.sample_rate) if waveform else None
    targets = [(MP3, mp3), (WAV, wav)]
    if preview:
        targets.append((PREVIEW_MP3, out / f"{basename}_preview.mp3"))
    transcode_audio(master, targets, peaks=peaks, info=info, progress=progress, limits=limits)
    files = [describe(path, profile.role, profile.container) for profile, path in targets]
    if peaks is not None:
        files += render_waveform(peaks, out)
    return files
