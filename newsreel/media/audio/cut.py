"""Sample-exact clips of audio files (WAV, MP3, AAC/M4A) between two instants given as exact rational seconds.

`cut_audio()` is the entry point. The instants come as `Fraction`s (video frame numbers over the frame rate), so
the clip holds samples [round(start × rate), round(end × rate)) of the source, as its decoder gives them (for
MP3 and AAC: after the encoder delay that the file's gapless header or edit list says to drop).

- WAV (PCM) to WAV: the PCM bytes are copied, not re-encoded: same sample format, channels and rate.
- Anything else (MP3 to MP3, AAC to M4A, or a compressed source to WAV) is decoded, trimmed to the sample and
  encoded again, at the source's bit rate for the same codec. The MP3 muxer writes a Xing/LAME header with the
  encoder delay and the final padding, so decoders that honour it (FFmpeg, LAME, most players) return exactly
  the samples of the clip; the M4A gets an edit list to the same end.

Memory stays bounded: the source is read packet by packet and never held whole.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
import av.container

from newsreel.media.clip.index import ClipError
from newsreel.media.clip.video_audio import slice_samples
from newsreel.media.safeio import UnsupportedMedia, open_input

__all__ = ["OUTPUT_FORMATS", "AudioClipReport", "AudioInfo", "ClipError", "audio_info", "cut_audio",
           "sample_range"]

# Output container by file suffix.
OUTPUT_FORMATS = {".wav": "wav", ".mp3": "mp3", ".m4a": "ipod"}
_ENCODERS = {"wav": "pcm_s16le", "mp3": "libmp3lame", "ipod": "aac"}
_DEFAULT_BIT_RATES = {"mp3": 256_000, "ipod": 192_000}
_SOURCE_CODEC_OF = {"mp3": "mp3", "ipod": "aac"}  # the source codec whose bit rate a re-encode keeps
_MP3_RATES = frozenset({8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000})
# Tags carried over to the clip (FFmpeg's generic names: ID3, RIFF INFO and MP4 atoms map to them).
_KEPT_TAGS = ("title", "artist", "album", "date", "copyright")
# Packets decoded before the first wanted sample when starting in the middle of a compressed stream: MP3's bit
# reservoir reaches back up to 511 bytes (several low-rate frames) and MDCT overlap one frame more. Output is
# bit-identical to a decode from the start after 2 frames at 256 kbit/s; 16 leaves a wide margin.
_PREROLL_PACKETS = 16
_DECODER_CODECS = {"mp3float": "mp3", "mp3": "mp3", "aac_fixed": "aac"}  # decoder name -> codec name
_PCM = re.compile(r"pcm_(?:[suf](8|16|24|32|64)(?:le|be)?|alaw|mulaw)$")

Method = Literal["copy", "re-encode"]


@dataclass(frozen=True)
class AudioInfo:
    family: str  # wav, mp3, aac (ADTS) or mov (M4A/MP4)
    codec: str
    sample_rate: int
    channels: int
    samples: int  # exact for WAV and for MP3 with a LAME header; otherwise the container's estimate
    bit_rate: int | None

    @property
    def duration(self) -> Fraction:
        return Fraction(self.samples, self.sample_rate)


@dataclass
class AudioClipReport:
    method: Method
    codec: str  # of the clip
    sample_rate: int
    channels: int
    first_sample: int  # first source sample included
    samples: int  # how many
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0  # time taken

    @property
    def stop_sample(self) -> int:
        return self.first_sample + self.samples

    def summary(self) -> str:
        how = "PCM copied, not re-encoded" if self.method == "copy" else f"decoded and re-encoded as {self.codec}"
        lines = [f"{self.method}: samples {self.first_sample}-{self.stop_sample - 1} ({self.samples} samples, "
                 f"{self.samples / self.sample_rate:.6f} s at {self.sample_rate} Hz, {self.channels} channels)",
                 f"  {how}, time taken: {self.seconds:.2f} s"]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def sample_range(start: Fraction | int, end: Fraction | int, sample_rate: int) -> tuple[int, int]:
    """Samples [first, stop) for instants `start` and `end` (seconds): each instant rounded to the nearest
    sample (Python's round(): halves go to even)."""
    return round(Fraction(start) * sample_rate), round(Fraction(end) * sample_rate)


def _open(source: Path) -> av.container.InputContainer:
    try:
        return open_input(source)
    except UnsupportedMedia as exc:
        raise ClipError(str(exc)) from exc
    except OSError as exc:
        raise ClipError(f"{source.name}: cannot read the file ({exc.strerror})") from exc


def _audio_stream(container: av.container.InputContainer, source: Path) -> av.AudioStream:
    pictures = [s for s in container.streams.video if s.disposition & av.stream.Disposition.attached_pic]
    if len(container.streams.video) > len(pictures):
        raise ClipError(f"{source.name}: this file has video; cut it with the video clip engine")
    if not container.streams.audio:
        raise ClipError(f"{source.name}: this file has no audio")
    stream = container.streams.audio[0]
    if not stream.codec_context.sample_rate or stream.time_base is None:
        raise ClipError(f"{source.name}: cannot read the audio's sample rate")
    return stream


def _samples_of(container: av.container.InputContainer, stream: av.AudioStream) -> int:
    assert stream.time_base is not None
    rate = stream.codec_context.sample_rate
    if stream.duration is not None:
        return round(stream.duration * stream.time_base * rate)
    if container.duration is not None:  # in AV_TIME_BASE (microseconds)
        return round(Fraction(container.duration, 1_000_000) * rate)
    return 0


def _info(container: av.container.InputContainer, stream: av.AudioStream) -> AudioInfo:
    ctx = stream.codec_context
    codec = _DECODER_CODECS.get(ctx.name, ctx.name)
    return AudioInfo(family=container.format.name.split(",")[0], codec=codec, sample_rate=ctx.sample_rate,
                     channels=ctx.channels, samples=_samples_of(container, stream), bit_rate=ctx.bit_rate or None)


def audio_info(source: Path) -> AudioInfo:
    """What `cut_audio()` needs to know about an audio file (header only: no decoding)."""
    source = Path(source)
    with _open(source) as container:
        return _info(container, _audio_stream(container, source))


def _check_range(first: int, stop: int, start: Fraction, end: Fraction, info: AudioInfo, name: str) -> None:
    if start < 0:
        raise ClipError("the in point is before the start of the audio")
    if end <= start:
        raise ClipError(f"the in point ({float(start):.6f} s) must come before the out point ({float(end):.6f} s)")
    if stop <= first:
        raise ClipError("the clip is shorter than one audio sample")
    if info.samples and stop > info.samples:
        raise ClipError(f"the out point ({float(end):.6f} s) is past the end of the audio "
                        f"({float(info.duration):.6f} s, {info.samples} samples) of {name}")


def cut_audio(source: Path, output: Path, *, start: Fraction | int, end: Fraction | int,
              progress: Callable[[float], None] | None = None) -> AudioClipReport:
    """Write samples [round(start × rate), round(end × rate)) of `source` to `output` (.wav, .mp3 or .m4a)."""
    began = time.perf_counter()
    source, output = Path(source), Path(output)
    if isinstance(start, float) or isinstance(end, float):
        raise TypeError("give the in and out points as exact Fractions (or ints) of seconds, not floats")
    start, end = Fraction(start), Fraction(end)
    fmt = OUTPUT_FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise ClipError(f"{output.name}: audio clips are written as .wav, .mp3 or .m4a")
    with _open(source) as container:
        stream = _audio_stream(container, source)
        info = _info(container, stream)
        first, stop = sample_range(start, end, info.sample_rate)
        _check_range(first, stop, start, end, info, source.name)
        tags = {k: v for k, v in container.metadata.items() if k.lower() in _KEPT_TAGS and v}
        try:
            if fmt == "wav" and _PCM.match(info.codec):
                report = _copy_pcm(container, stream, output, first, stop, tags, progress)
            else:
                report = _reencode(container, stream, info, output, fmt, first, stop, tags, progress)
        except BaseException:
            output.unlink(missing_ok=True)
            raise
    if progress:
        progress(1.0)
    report.seconds = time.perf_counter() - began
    return report


def _pcm_bytes(codec: str) -> int:
    match = _PCM.match(codec)
    assert match is not None
    return int(match.group(1)) // 8 if match.group(1) else 1


def _sample_at(stream: av.AudioStream, pts: int, rate: int) -> int:
    """The source sample index at timestamp `pts` of `stream`."""
    assert stream.time_base is not None
    return round((pts - (stream.start_time or 0)) * stream.time_base * rate)


def _packets_from(container: av.container.InputContainer, stream: av.AudioStream, first: int, rate: int,
                  block: int) -> Iterator[tuple[int, av.Packet]]:
    """PCM packets (of `block` bytes a sample) with the source sample index of their first sample, from a packet
    at or before `first`.

    Seeking in PCM is exact (a byte offset); should the demuxer land after `first` anyway, read from the start.
    """
    assert stream.time_base is not None
    origin = stream.start_time or 0
    for target in (first, 0) if first else (0,):
        container.seek(origin + int(Fraction(target, rate) / stream.time_base), stream=stream, backward=True,
                       any_frame=True)
        position: int | None = None
        for packet in container.demux(stream):
            if not packet.size:
                continue
            if position is None:
                if packet.pts is None:
                    raise ClipError("the WAV file's packets have no timestamps")
                position = _sample_at(stream, packet.pts, rate)
                if position > first:
                    break  # landed past the in point: read from the start
            yield position, packet
            position += packet.size // block
        else:
            return
    raise ClipError("cannot find the in point in the WAV file")


def _copy_pcm(container: av.container.InputContainer, stream: av.AudioStream, output: Path, first: int,
              stop: int, tags: dict[str, str], progress: Callable[[float], None] | None) -> AudioClipReport:
    """Copy the PCM bytes of samples [first, stop) into a new WAV file (RF64 when it needs to be)."""
    ctx = stream.codec_context
    rate, block = ctx.sample_rate, _pcm_bytes(ctx.name) * ctx.channels
    tick = Fraction(1, rate)
    written = 0
    with av.open(str(output), "w", format="wav", options={"rf64": "auto"}) as out:
        out.metadata.update(tags)
        target = out.add_stream_from_template(stream)
        target.time_base = tick
        for position, packet in _packets_from(container, stream, first, rate, block):
            count = packet.size // block
            lo, hi = max(first, position), min(stop, position + count)
            if hi > lo:
                data = bytes(packet)
                piece = av.Packet(data if (lo, hi) == (position, position + count)
                                  else data[(lo - position) * block:(hi - position) * block])
                piece.pts = piece.dts = lo - first
                piece.duration = hi - lo
                piece.time_base = tick
                piece.stream = target
                out.mux(piece)
                written += hi - lo
                if progress:
                    progress(written / (stop - first))
            if position + count >= stop:
                break
    if written != stop - first:
        raise ClipError(f"the audio ends after {first + written} samples, before the out point ({stop})")
    return AudioClipReport("copy", ctx.name, rate, ctx.channels, first, written)


def _reencode(container: av.container.InputContainer, stream: av.AudioStream, info: AudioInfo, output: Path,
              fmt: str, first: int, stop: int, tags: dict[str, str],
              progress: Callable[[float], None] | None) -> AudioClipReport:
    """Decode, keep samples [first, stop), encode with the output's codec at the source's rate and layout."""
    rate = info.sample_rate
    codec = _ENCODERS[fmt]
    warnings = _reencode_warnings(fmt, info)
    layout = stream.codec_context.layout.name
    total = stop - first
    fed = 0
    with av.open(str(output), "w", format=fmt) as out:
        out.metadata.update(tags)
        target = out.add_stream(codec, rate=rate, layout=layout)
        assert isinstance(target, av.AudioStream)
        bit_rate = _DEFAULT_BIT_RATES.get(fmt)
        if bit_rate is not None:
            same_codec = info.codec == _SOURCE_CODEC_OF.get(fmt)
            target.bit_rate = info.bit_rate if same_codec and info.bit_rate else bit_rate
        blocks = _BlockEncoder(out, target, rate, layout)
        for packet in _from_preroll(container, stream, first, rate):
            for frame in _decode(stream, packet, warnings):
                added = blocks.write_trimmed(stream, frame, first, stop)
                fed += added
                if added and progress:
                    progress(fed / total)
            if fed >= total:
                break
        blocks.finish()
    if fed != total:
        raise ClipError(f"the audio ends after {first + fed} samples, before the out point ({stop})")
    return AudioClipReport("re-encode", codec, rate, info.channels, first, fed, warnings)


def _reencode_warnings(fmt: str, info: AudioInfo) -> list[str]:
    """What the user is told about the re-encode; raises for the formats that cannot hold the audio."""
    if fmt == "mp3" and info.sample_rate not in _MP3_RATES:
        raise ClipError(f"MP3 cannot hold audio sampled at {info.sample_rate} Hz; cut it to WAV instead")
    if fmt == "mp3" and info.channels > 2:
        raise ClipError(f"MP3 holds mono or stereo audio, not {info.channels} channels; cut it to WAV instead")
    if fmt == "wav" and info.family == "wav":
        return [f"the WAV holds {info.codec}, not PCM: decoded and written as 16-bit PCM"]
    return []


class _BlockEncoder:
    """Feeds an opened encoder whole frames of its own size, timed in samples from the in point."""

    def __init__(self, out: av.container.OutputContainer, target: av.AudioStream, rate: int, layout: str) -> None:
        self.out, self.target, self.rate = out, target, rate
        encoder = target.codec_context
        encoder.open()
        self.block_size = encoder.frame_size or 4096
        assert encoder.format is not None
        self.resampler = av.AudioResampler(format=encoder.format.name, layout=layout, rate=rate)
        self.fifo = av.AudioFifo()
        self.encoded = 0

    def write_trimmed(self, stream: av.AudioStream, frame: av.AudioFrame, first: int, stop: int) -> int:
        """Encode the samples of `frame` that lie in [first, stop); return how many there were."""
        if frame.pts is None:
            raise ClipError("the decoded audio has no timestamps")
        position = _sample_at(stream, frame.pts, self.rate)
        lo, hi = max(first, position), min(stop, position + frame.samples)
        if hi <= lo:
            return 0
        for piece in self.resampler.resample(slice_samples(frame, lo - position, hi - position)):
            self.fifo.write(piece)
        self._drain(final=False)
        return hi - lo

    def finish(self) -> None:
        for piece in self.resampler.resample(None):
            self.fifo.write(piece)
        self._drain(final=True)
        self._encode(None)

    def _drain(self, final: bool) -> None:
        while self.fifo.samples >= self.block_size or (final and self.fifo.samples):
            chunk = self.fifo.read(min(self.block_size, self.fifo.samples))
            assert chunk is not None
            chunk.pts, chunk.time_base = self.encoded, Fraction(1, self.rate)
            self.encoded += chunk.samples
            self._encode(chunk)

    def _encode(self, frame: av.AudioFrame | None) -> None:
        for packet in self.target.encode(frame):
            self.out.mux(packet)


def _from_preroll(container: av.container.InputContainer, stream: av.AudioStream, first: int,
                  rate: int) -> Iterator[av.Packet]:
    """The packets to decode for a clip from sample `first`: packets before it are read but not decoded, except
    the last _PREROLL_PACKETS of them, so that the decoder's state is right again by the in point."""
    held: deque[av.Packet] = deque(maxlen=_PREROLL_PACKETS)
    packets = container.demux(stream)
    for packet in packets:
        if packet.pts is None:  # cannot tell where it is: decode from here on
            yield from held
            yield packet
            break
        if _sample_at(stream, packet.pts, rate) < first:
            held.append(packet)
            continue
        yield from held
        yield packet
        break
    else:
        yield from held
    yield from packets


_MAX_DECODE_ERRORS = 25


def _decode(stream: av.AudioStream, packet: av.Packet, warnings: list[str]) -> list[av.AudioFrame]:
    try:
        return list(stream.decode(packet))
    except av.FFmpegError as exc:
        warnings.append(f"skipped an undecodable packet ({exc})")
        if len(warnings) > _MAX_DECODE_ERRORS:
            raise ClipError(f"the audio is damaged: too many undecodable packets ({exc})") from exc
        return []
