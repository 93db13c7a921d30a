"""Audio for the audio clip tests: white noise (no period, so a cut one sample off never matches), with tags;
the system ffmpeg as the independent decoder. Session fixtures are in tests/media/audio_media.py."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

TAGS = {"title": "Summit press conference", "artist": "Press office", "copyright": "© 2026 Example Org"}


def write_noise_wav(path: Path, *, seconds: float, rate: int = 48000, channels: int = 2, codec: str = "pcm_s16le",
                    seed: int = 1, tags: dict[str, str] | None = None) -> Path:
    """Gaussian noise at about -20 dBFS as a WAV of `codec` (pcm_s16le, pcm_s24le...)."""
    rng = np.random.default_rng(seed)
    count = round(seconds * rate)
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w", format="wav") as out:
        out.metadata.update(tags or {})
        stream = out.add_stream(codec, rate=rate, layout=layout)
        done = 0
        while done < count:
            n = min(4096, count - done)
            samples = np.clip(rng.standard_normal((1, n * channels)) * 0.1, -1, 1).astype(np.float32)
            frame = av.AudioFrame.from_ndarray(samples, format="flt", layout=layout)
            frame.sample_rate, frame.pts, frame.time_base = rate, done, Fraction(1, rate)
            done += n
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def raw_pcm(path: Path, sample_format: str = "s16le") -> bytes:
    """The file decoded by the system ffmpeg to raw interleaved PCM (s16le, s24le, f32le...), as stored."""
    codec = {"s16le": "pcm_s16le", "s24le": "pcm_s24le", "f32le": "pcm_f32le"}[sample_format]
    return subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a:0", "-c:a", codec,
                           "-f", sample_format, "-"], capture_output=True, check=True).stdout


def decoded_samples(path: Path, channels: int = 2) -> np.ndarray:
    """(samples, channels) float32, decoded by the system ffmpeg (which honours MP3 gapless headers)."""
    raw = raw_pcm(path, "f32le")
    return np.frombuffer(raw, "<f4").reshape(-1, channels)


def best_lag(clip: np.ndarray, source: np.ndarray, first: int, search: int = 2400) -> tuple[int, float]:
    """The shift of `clip` against `source[first:]` with the highest correlation (first channel), and that
    correlation: 0 when the clip starts at source sample `first`."""
    part = clip[: min(len(clip), 4800), 0].astype(np.float64)
    best = (0, -2.0)
    for lag in range(-search, search + 1):
        start = first + lag
        if start < 0 or start + len(part) > len(source):
            continue
        ref = source[start:start + len(part), 0].astype(np.float64)
        corr = float(np.dot(part, ref) / (np.linalg.norm(part) * np.linalg.norm(ref) + 1e-12))
        if corr > best[1]:
            best = (lag, corr)
    return best
