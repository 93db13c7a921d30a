from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from newsreel.media.audio.renditions import PEAK_BUCKETS, WAVEFORM_SIZE
from newsreel.media.render import render_audio
from newsreel.media.renditions import RenditionFile
from tests.media.media_checks import decode_pcm, needs_ffmpeg, stream_of

pytest_plugins = ["tests.media.media_fixtures"]
pytestmark = [needs_ffmpeg, pytest.mark.slow]


def _roles(files: list[RenditionFile]) -> dict[str, RenditionFile]:
    return {f.role: f for f in files}


def test_render_audio_writes_mp3_wav_waveform_and_peaks(rendered_audio: tuple[Path, list]) -> None:
    out, files = rendered_audio
    roles = _roles(files)
    assert set(roles) == {"audio_mp3", "audio_wav", "audio_preview", "waveform", "waveform_peaks"}
    assert {p.name for p in out.iterdir()} == {"audio.mp3", "audio.wav", "audio_preview.mp3", "waveform.png",
                                               "waveform.json"}
    mp3 = stream_of(out / "audio.mp3", "audio")
    assert (mp3["codec_name"], mp3["sample_rate"], mp3["channels"]) == ("mp3", "48000", 2)
    assert float(mp3["duration"]) == pytest.approx(3.0, abs=0.06)  # MP3 pads to whole frames
    assert roles["audio_mp3"].mime_type == "audio/mpeg"
    # The player's preview is below the download's quality, so that playing never hands out the download.
    preview = stream_of(out / "audio_preview.mp3", "audio")
    assert preview["codec_name"] == "mp3" and int(preview["bit_rate"]) <= 96_000 < int(mp3["bit_rate"])
    wav = stream_of(out / "audio.wav", "audio")
    assert (wav["codec_name"], wav["sample_rate"], wav["channels"]) == ("pcm_s16le", "48000", 2)
    assert roles["audio_wav"].duration == pytest.approx(3.0, abs=0.001)


def test_wav_rendition_of_a_wav_master_is_sample_exact(
    rendered_audio: tuple[Path, list], wav_master: Path
) -> None:
    out, _ = rendered_audio
    source, copy = decode_pcm(wav_master), decode_pcm(out / "audio.wav")
    assert copy.shape == source.shape
    assert np.array_equal(copy, source)


def test_mp3_rendition_sounds_like_the_master(rendered_audio: tuple[Path, list], wav_master: Path) -> None:
    out, _ = rendered_audio
    source = decode_pcm(wav_master)[:, 0].astype(np.float64)
    mp3 = decode_pcm(out / "audio.mp3")[:, 0].astype(np.float64)
    # The encoder delay shifts the signal by a few hundred samples: align by cross-correlation first.
    probe = source[48000 : 48000 + 4800]
    best = max(range(0, 3000), key=lambda d: float(np.dot(probe, mp3[48000 + d : 48000 + d + 4800])))
    aligned = mp3[best : best + len(source) - 3000]
    error = aligned - source[: len(aligned)]
    snr = 10 * np.log10(np.sum(source[: len(aligned)] ** 2) / np.sum(error**2))
    assert snr > 20, f"SNR {snr:.1f} dB"


def test_peaks_follow_the_loudness_of_the_recording(rendered_audio: tuple[Path, list]) -> None:
    out, _ = rendered_audio
    peaks = json.loads((out / "waveform.json").read_text())
    assert (peaks["version"], peaks["bits"], peaks["channels"]) == (2, 8, 1)
    assert peaks["length"] * 2 == len(peaks["data"])
    assert peaks["length"] <= PEAK_BUCKETS
    highs = np.array(peaks["data"][1::2])
    seconds_per_bucket = peaks["samples_per_pixel"] / peaks["sample_rate"]
    t = np.arange(peaks["length"]) * seconds_per_bucket
    beep = (t % 1.0) < 0.09  # the test tone is loud (0.5) for 0.1 s each second, quiet (0.05) otherwise
    quiet = ((t % 1.0) > 0.11) & ((t % 1.0) < 0.99)
    for second in range(3):  # buckets are shorter than the tone's period: look at each beep as a whole
        in_beep = beep & (np.floor(t) == second)
        assert abs(highs[in_beep].max() - 64) <= 2
        assert highs[in_beep].mean() > 40
    assert np.all(highs[quiet] <= 8)


def test_waveform_image_draws_loud_parts_taller(rendered_audio: tuple[Path, list]) -> None:
    out, _ = rendered_audio
    with Image.open(out / "waveform.png") as img:
        assert img.format == "PNG"
        assert img.size == WAVEFORM_SIZE
        alpha = np.asarray(img.getchannel("A")) > 0
    heights = alpha.sum(axis=0)
    width = WAVEFORM_SIZE[0]
    loud = heights[int(width * 1.02 / 3)]  # 1.02 s: inside a beep
    soft = heights[int(width * 1.5 / 3)]  # 1.5 s: between beeps
    assert loud > 5 * soft


def test_render_audio_refuses_a_video_master(masters: dict, tmp_path: Path) -> None:
    from newsreel.media.safeio import UnsupportedMedia

    with pytest.raises(UnsupportedMedia, match="not audio"):
        render_audio(masters["h264_25"].path, tmp_path)


def test_mp3_master_gets_the_same_renditions(rendered_audio: tuple[Path, list], tmp_path: Path) -> None:
    out, _ = rendered_audio
    files = render_audio(out / "audio.mp3", tmp_path)
    roles = _roles(files)
    assert set(roles) == {"audio_mp3", "audio_wav", "audio_preview", "waveform", "waveform_peaks"}
    assert roles["audio_wav"].duration == pytest.approx(3.0, abs=0.1)
    assert stream_of(tmp_path / "audio.wav", "audio")["sample_rate"] == "48000"
