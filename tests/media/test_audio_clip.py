"""Audio clips: WAV samples copied bit for bit, MP3 re-encoded to the exact sample count (as decoded by the
system ffmpeg, which honours the LAME gapless header), tags carried over, clear refusals."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreel.media.audio.cut import ClipError, audio_info, cut_audio, sample_range
from tests.media.audio_checks import TAGS, best_lag, decoded_samples, raw_pcm, write_noise_wav
from tests.media.media_checks import ffprobe, needs_ffmpeg, stream_of

pytest_plugins = ["tests.media.audio_media"]
pytestmark = [needs_ffmpeg, pytest.mark.slow]

NTSC = Fraction(30000, 1001)
RANGES = [  # (in, out) as frames at a rate, as the portal gives them
    (10, 31, Fraction(25)),
    (0, 1, Fraction(25)),
    (50, 75, Fraction(25)),  # to the very last sample
    (7, 71, NTSC),  # 1601.6 samples a frame: instants fall between samples
    (1, 2, NTSC),
]


def _instants(first: int, stop: int, rate: Fraction) -> tuple[Fraction, Fraction]:
    return Fraction(first) / rate, Fraction(stop) / rate


@pytest.mark.parametrize(("f_in", "f_out", "rate"), RANGES)
def test_a_wav_clip_holds_exactly_the_source_samples_bit_for_bit(noise_wav: Path, tmp_path: Path, f_in: int,
                                                                   f_out: int, rate: Fraction) -> None:
    start, end = _instants(f_in, f_out, rate)
    out = tmp_path / "clip.wav"
    report = cut_audio(noise_wav, out, start=start, end=end)
    first, stop = round(start * 48000), round(end * 48000)
    assert (report.method, report.first_sample, report.samples) == ("copy", first, stop - first)
    block = 4  # 16-bit stereo
    assert raw_pcm(out) == raw_pcm(noise_wav)[first * block:stop * block]
    probe = stream_of(out, "audio")
    assert (probe["codec_name"], probe["sample_rate"], probe["channels"]) == ("pcm_s16le", "48000", 2)
    assert ffprobe(out, "-show_format")["format"]["tags"] | TAGS == ffprobe(out, "-show_format")["format"]["tags"]


def test_a_24_bit_mono_wav_keeps_its_format(tmp_path: Path) -> None:
    source = write_noise_wav(tmp_path / "mono24.wav", seconds=1.0, rate=44100, channels=1, codec="pcm_s24le",
                             seed=7)
    out = tmp_path / "clip.wav"
    cut_audio(source, out, start=Fraction(3, 25), end=Fraction(20, 25))
    first, stop = round(Fraction(3, 25) * 44100), round(Fraction(20, 25) * 44100)
    assert raw_pcm(out, "s24le") == raw_pcm(source, "s24le")[first * 3:stop * 3]
    probe = stream_of(out, "audio")
    assert (probe["codec_name"], probe["sample_rate"], probe["channels"]) == ("pcm_s24le", "44100", 1)


@st.composite
def _frame_ranges(draw: st.DrawFn, seconds: int = 3) -> tuple[int, int, Fraction]:
    """A rate, and frames [a, b) at that rate within `seconds`."""
    rate = draw(st.sampled_from([Fraction(25), NTSC, Fraction(24000, 1001), Fraction(50), Fraction(60000, 1001)]))
    frames = int(seconds * rate)
    a = draw(st.integers(0, frames - 1))
    b = draw(st.integers(a + 1, frames))
    return a, b, rate


@given(cut=_frame_ranges())
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_wav_range_is_sample_exact(noise_wav: Path, tmp_path_factory: pytest.TempPathFactory,
                                       cut: tuple[int, int, Fraction]) -> None:
    start, end = _instants(*cut)
    out = tmp_path_factory.mktemp("any") / "clip.wav"
    cut_audio(noise_wav, out, start=start, end=end)
    first, stop = sample_range(start, end, 48000)
    assert raw_pcm(out) == raw_pcm(noise_wav)[first * 4:stop * 4]


@pytest.mark.parametrize(("f_in", "f_out", "rate"), RANGES)
def test_an_mp3_clip_decodes_to_exactly_the_samples_asked_for_in_place(noise_mp3: Path, noise_wav: Path,
                                                                        tmp_path: Path, f_in: int, f_out: int,
                                                                        rate: Fraction) -> None:
    start, end = _instants(f_in, f_out, rate)
    out = tmp_path / "clip.mp3"
    report = cut_audio(noise_mp3, out, start=start, end=end)
    first, stop = sample_range(start, end, 48000)
    assert (report.method, report.codec, report.samples) == ("re-encode", "libmp3lame", stop - first)
    clip = decoded_samples(out)
    assert len(clip) == stop - first  # the system ffmpeg, honouring the LAME header: not one sample more or less
    lag, correlation = best_lag(clip, decoded_samples(noise_wav), first)
    assert lag == 0 and correlation > 0.8  # white noise at 256 kbit/s, twice encoded
    probe = stream_of(out, "audio")
    assert (probe["codec_name"], probe["sample_rate"], probe["channels"]) == ("mp3", "48000", 2)
    assert int(probe["bit_rate"]) == 256_000
    assert ffprobe(out, "-show_format")["format"]["tags"] | TAGS == ffprobe(out, "-show_format")["format"]["tags"]


def test_an_mp3_clip_late_in_the_file_starts_decoding_shortly_before_it_and_is_exact(
        noise_mp3: Path, noise_wav: Path, tmp_path: Path) -> None:
    """Packets before the in point are read, not decoded, but for a few; the result is still in place."""
    out = tmp_path / "late.mp3"
    cut_audio(noise_mp3, out, start=Fraction(2), end=Fraction(3))
    clip = decoded_samples(out)
    assert len(clip) == 48000
    lag, correlation = best_lag(clip, decoded_samples(noise_wav), 96000)
    assert lag == 0 and correlation > 0.8


def test_an_mp3_can_be_cut_to_wav_exactly(noise_mp3: Path, tmp_path: Path) -> None:
    out = tmp_path / "clip.wav"
    report = cut_audio(noise_mp3, out, start=Fraction(1, 2), end=Fraction(3, 2))
    assert report.method == "re-encode" and len(decoded_samples(out)) == 48000
    full = decoded_samples(noise_mp3)
    assert best_lag(decoded_samples(out), full, 24000)[0] == 0


def test_aac_in_m4a_is_accepted_and_starts_at_the_in_point(noise_wav: Path, noise_mp3: Path,
                                                           tmp_path: Path) -> None:
    """AAC is cut too. The M4A's start is exact (edit list); the system ffmpeg 5.1 decodes its end up to the
    next whole AAC frame (1024 samples), so the length is exact to within one frame."""
    source = tmp_path / "source.m4a"
    cut_audio(noise_mp3, source, start=Fraction(0), end=Fraction(3))
    assert stream_of(source, "audio")["codec_name"] == "aac"
    out = tmp_path / "clip.m4a"
    cut_audio(source, out, start=Fraction(1, 2), end=Fraction(3, 2))
    clip = decoded_samples(out)
    assert 48000 <= len(clip) < 48000 + 1024
    assert best_lag(clip, decoded_samples(noise_wav), 24000)[0] == 0


def test_audio_info_reads_the_exact_length_from_the_headers(noise_wav: Path, noise_mp3: Path) -> None:
    wav, mp3 = audio_info(noise_wav), audio_info(noise_mp3)
    assert (wav.codec, wav.sample_rate, wav.channels, wav.samples) == ("pcm_s16le", 48000, 2, 144000)
    assert (mp3.codec, mp3.sample_rate, mp3.channels, mp3.samples) == ("mp3", 48000, 2, 144000)


@pytest.mark.parametrize(("start", "end", "message"), [
    (Fraction(1), Fraction(1), "must come before the out point"),
    (Fraction(2), Fraction(1), "must come before the out point"),
    (Fraction(-1, 25), Fraction(1), "before the start of the audio"),
    (Fraction(2), Fraction(76, 25), "past the end of the audio"),
    (Fraction(1), Fraction(1) + Fraction(1, 200_000), "shorter than one audio sample"),
])
@pytest.mark.parametrize("source", ["noise_wav", "noise_mp3"])
def test_bad_ranges_are_refused_clearly(request: pytest.FixtureRequest, tmp_path: Path, source: str,
                                        start: Fraction, end: Fraction, message: str) -> None:
    path = request.getfixturevalue(source)
    out = tmp_path / f"clip{path.suffix}"
    with pytest.raises(ClipError, match=message):
        cut_audio(path, out, start=start, end=end)
    assert not out.exists()


def test_what_is_not_audio_is_refused(tmp_path: Path, small_video: Path, small_photo: Path,
                                      noise_wav: Path) -> None:
    with pytest.raises(ClipError, match="has video"):
        cut_audio(small_video, tmp_path / "a.wav", start=Fraction(0), end=Fraction(1))
    with pytest.raises(ClipError, match="not a supported media file"):
        cut_audio(small_photo, tmp_path / "a.wav", start=Fraction(0), end=Fraction(1))
    text = tmp_path / "notes.wav"
    text.write_text("not audio at all\n" * 100)
    with pytest.raises(ClipError, match="not a supported media file"):
        cut_audio(text, tmp_path / "a.wav", start=Fraction(0), end=Fraction(1))
    with pytest.raises(ClipError, match=r"\.wav, \.mp3 or \.m4a"):
        cut_audio(noise_wav, tmp_path / "a.ogg", start=Fraction(0), end=Fraction(1))
    with pytest.raises(TypeError, match="exact"):
        cut_audio(noise_wav, tmp_path / "a.wav", start=0.5, end=Fraction(1))  # type: ignore[arg-type]
