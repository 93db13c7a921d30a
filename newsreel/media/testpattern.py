"""Generated test media: a video with burnt-in SMPTE timecode and frame number, a tone, a photo.

Used by the demo, the test suite and the benchmarks so that no binary media is ever committed.
Every frame is visually unique (timecode, frame number, a moving bar), which lets tests check that a clip
holds exactly the expected source frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from newsreel.media.timecode import frames_to_timecode, timecode_to_frames


@dataclass(frozen=True)
class PatternSpec:
    width: int = 1920
    height: int = 1080
    rate: Fraction = Fraction(25)
    seconds: float = 10.0
    gop: int = 50
    bframes: int = 2
    bitrate: int | None = None  # bits/s; None -> CRF
    crf: int = 23
    preset: str = "superfast"
    open_gop: bool = False
    audio: bool = True
    audio_rate: int = 48000
    tone_hz: float = 1000.0
    title: str = "NEWSREEL TEST PATTERN"
    codec: str = "libx264"
    pix_fmt: str = "yuv420p"
    container_options: dict[str, str] | None = None
    metadata: dict[str, str] | None = None  # container metadata, e.g. {"timecode": "10:00:00:00"}
    audio_codec: str = "aac"  # pcm_s16le for MOV/MXF masters
    codec_options: dict[str, str] | None = None  # extra encoder options, e.g. a ProRes profile
    rotation: int = 0  # display rotation (degrees counter-clockwise), as a phone held upright records it


_BARS = [
    (192, 192, 192),
    (192, 192, 0),
    (0, 192, 192),
    (0, 192, 0),
    (192, 0, 192),
    (192, 0, 0),
    (0, 0, 192),
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def _title_font(title: str, size: int, max_width: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The largest font up to `size` in which the title fits the picture: demo stills must not cut captions."""
    font = _font(size)
    while size > 12 and font.getlength(title) > max_width:
        size = max(12, int(size * 0.9))
        font = _font(size)
    return font


def _background(width: int, height: int, title: str) -> Image.Image:
    img = Image.new("RGB", (width, height), (16, 16, 16))
    draw = ImageDraw.Draw(img)
    bar_w = width / len(_BARS)
    for i, colour in enumerate(_BARS):
        draw.rectangle([round(i * bar_w), 0, round((i + 1) * bar_w) - 1, int(height * 0.55)], fill=colour)
    font = _title_font(title, max(12, height // 18), width * 0.9)
    draw.text((width * 0.05, height * 0.58), title, fill=(230, 230, 230), font=font)
    return img


def start_frame(spec: PatternSpec) -> int:
    """The source timecode of the first frame, as frames: the burnt-in timecode must read what the file's
    timecode track (and so the player and the shotlist) says, e.g. 10:00:03:04, not the time since the start."""
    start = (spec.metadata or {}).get("timecode")
    return timecode_to_frames(start, spec.rate) if start else 0


def frame_image(index: int, spec: PatternSpec, background: Image.Image) -> Image.Image:
    """The picture of frame `index`: timecode, frame number and a bar whose position encodes the index."""
    img = background.copy()
    draw = ImageDraw.Draw(img)
    w, h = spec.width, spec.height
    tc = frames_to_timecode(start_frame(spec) + index, spec.rate)
    font = _font(max(12, h // 9))
    draw.rectangle([int(w * 0.05), int(h * 0.68), int(w * 0.95), int(h * 0.92)], fill=(0, 0, 0))
    draw.text((w * 0.07, h * 0.70), f"{tc}  #{index:06d}", fill=(255, 255, 255), font=font)
    # A moving marker gives the encoder real motion and makes neighbouring frames differ clearly.
    x = int((index * 37) % max(1, w - w // 20))
    draw.rectangle([x, int(h * 0.94), x + w // 20, h - 1], fill=(255, 220, 0))
    return img


def generate_video(path: Path, spec: PatternSpec | None = None) -> Path:
    """Write a test pattern video (H.264 + AAC by default) to `path`; the container follows the suffix."""
    spec = spec or PatternSpec()
    path.parent.mkdir(parents=True, exist_ok=True)
    n_frames = round(spec.seconds * spec.rate)
    background = _background(spec.width, spec.height, spec.title)
    with av.open(str(path), "w", options=spec.container_options or {}) as out:
        out.metadata.update(spec.metadata or {})
        v = _video_stream(out, spec)
        tone = None
        if spec.audio:
            audio = out.add_stream(spec.audio_codec, rate=spec.audio_rate, layout="stereo")
            assert isinstance(audio, av.AudioStream)
            tone = _Tone(out, audio, spec.audio_rate, spec.tone_hz)
        for i in range(n_frames):
            frame = av.VideoFrame.from_image(frame_image(i, spec, background)).reformat(format=spec.pix_fmt)
            frame.pts = i
            frame.time_base = 1 / spec.rate
            for packet in v.encode(frame):
                out.mux(packet)
            if tone is not None:  # keep audio interleaved with video
                tone.write_until(Fraction(i + 1) / spec.rate)
        for packet in v.encode():
            out.mux(packet)
        if tone is not None:
            tone.write_until(Fraction(n_frames) / spec.rate)
            tone.flush()
    return path


def _video_stream(out: av.container.OutputContainer, spec: PatternSpec) -> av.VideoStream:
    v = out.add_stream(spec.codec, rate=spec.rate)
    assert isinstance(v, av.VideoStream)
    v.width, v.height, v.pix_fmt = spec.width, spec.height, spec.pix_fmt
    v.codec_context.gop_size = spec.gop
    if spec.rotation:
        v.set_display_rotation(spec.rotation)
    if spec.bitrate:
        v.bit_rate = spec.bitrate
    v.options = _encoder_options(spec)
    return v


def _encoder_options(spec: PatternSpec) -> dict[str, object]:
    options: dict[str, object] = {"preset": spec.preset, "bf": str(spec.bframes)}
    if spec.codec == "libx264":
        params = [f"keyint={spec.gop}", f"min-keyint={spec.gop}", "scenecut=0", f"bframes={spec.bframes}"]
        if spec.open_gop:
            params.append("open-gop=1")
        options["x264-params"] = ":".join(params)
    if spec.bitrate:
        options["maxrate"] = str(spec.bitrate)
        options["bufsize"] = str(spec.bitrate * 2)
    elif spec.codec == "libx264":
        options["crf"] = str(spec.crf)
    options.update(dict(spec.codec_options or {}))
    return options


class _Tone:
    """A 1 kHz-ish tone with a beep on every whole second, which makes audio/video sync measurable."""

    def __init__(
        self, out: av.container.OutputContainer, stream: av.audio.stream.AudioStream, rate: int, hz: float
    ) -> None:
        self.out, self.stream, self.rate, self.hz = out, stream, rate, hz
        self.pts = 0

    def write_until(self, seconds: Fraction | float, chunk: int = 1024) -> None:
        total = round(seconds * self.rate)
        while self.pts < total:
            n = min(chunk, total - self.pts)
            t = (np.arange(self.pts, self.pts + n) / self.rate).astype(np.float32)
            envelope = np.where((t % 1.0) < 0.1, 0.5, 0.05).astype(np.float32)
            mono = envelope * np.sin(2 * math.pi * self.hz * t).astype(np.float32)
            fmt = self.stream.codec_context.format.name
            samples = np.vstack([mono, mono])
            if fmt == "s16":
                samples = (samples * 32767).astype(np.int16).T.reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(samples.astype(samples.dtype), format=fmt, layout="stereo")
            frame.sample_rate = self.rate
            frame.pts = self.pts
            frame.time_base = Fraction(1, self.rate)
            for packet in self.stream.encode(frame):
                self.out.mux(packet)
            self.pts += n

    def flush(self) -> None:
        for packet in self.stream.encode():
            self.out.mux(packet)


def generate_tone_wav(path: Path, seconds: float = 5.0, rate: int = 48000, hz: float = 440.0) -> Path:
    """Write a 16-bit stereo WAV with a tone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="wav") as out:
        tone = _Tone(out, out.add_stream("pcm_s16le", rate=rate, layout="stereo"), rate, hz)
        tone.write_until(seconds)
        tone.flush()
    return path


def generate_photo(
    path: Path,
    width: int = 2400,
    height: int = 1600,
    title: str = "NEWSREEL",
    exif_orientation: int | None = None,
) -> Path:
    """Write a photo-like JPEG/PNG/TIFF (by suffix) with a gradient and a caption."""
    path.parent.mkdir(parents=True, exist_ok=True)
    x = np.linspace(0, 255, width, dtype=np.float32)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    rgb = np.stack(
        [
            np.broadcast_to(x, (height, width)),
            np.broadcast_to(y, (height, width)),
            np.full((height, width), 128, np.float32),
        ],
        axis=-1,
    ).astype(np.uint8)
    img = Image.fromarray(rgb, "RGB")
    font = _title_font(title, max(12, height // 10), width * 0.9)
    ImageDraw.Draw(img).text((width * 0.05, height * 0.4), title, fill=(255, 255, 255), font=font)
    kwargs: dict[str, object] = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif
    if path.suffix.lower() in {".jpg", ".jpeg"}:
        kwargs["quality"] = 90
    img.save(path, **kwargs)  # type: ignore[arg-type]
    return path
