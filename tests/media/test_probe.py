from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import av
import pytest

from newsreel.media.probe import probe
from newsreel.media.safeio import sniff_family
from newsreel.media.testpattern import generate_photo
from tests.media.media_checks import Master

pytest_plugins = ["tests.media.media_fixtures"]


@pytest.mark.parametrize(
    ("name", "container", "codec", "rate", "frames", "timecode"),
    [
        ("h264_25", "mp4", "h264", Fraction(25), 75, "10:00:00:00"),
        ("h264_2997", "mp4", "h264", Fraction(30000, 1001), 75, "01:00:00;00"),
        ("h264_50", "mov", "h264", Fraction(50), 125, None),
        ("prores_mov", "mov", "prores", Fraction(25), 62, "09:59:50:00"),
        ("mpeg2_mxf", "mxf", "mpeg2video", Fraction(25), 62, "10:00:00:00"),
        ("dnxhr_mov", "mov", "dnxhd", Fraction(25), 62, None),
    ],
)
def test_probe_describes_video_masters(
    masters: dict[str, Master],
    name: str,
    container: str,
    codec: str,
    rate: Fraction,
    frames: int,
    timecode: str | None,
) -> None:
    master = masters[name]
    info = probe(master.path)
    assert info.kind == "video"
    assert info.container == container
    assert info.video is not None
    assert info.video.codec == codec
    assert (info.video.width, info.video.height) == (320, 180)
    assert info.video.frame_rate == rate
    assert isinstance(info.video.frame_rate, Fraction)
    assert info.video.frame_count == frames
    assert info.duration == pytest.approx(frames / rate, abs=float(1 / rate))
    assert info.start_timecode == timecode
    assert info.video.field_order in {"progressive", None}  # DNxHR does not say
    assert not info.video.interlaced
    assert info.audio is not None
    assert (info.audio.sample_rate, info.audio.channels) == (48000, 2)
    assert info.size_bytes == master.path.stat().st_size


def test_probe_reports_h264_profile_level_and_pixel_format(masters: dict[str, Master]) -> None:
    video = probe(masters["h264_25"].path).video
    assert video is not None
    assert video.profile == "High"
    assert video.level and video.level >= 10
    assert video.pix_fmt == "yuv420p"
    prores = probe(masters["prores_mov"].path).video
    assert prores is not None and prores.pix_fmt == "yuv422p10le"


def test_probe_reads_colour_metadata_when_tagged(tmp_path: Path) -> None:
    path = tmp_path / "tagged.mp4"
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=25)
        s.width, s.height, s.pix_fmt = 64, 64, "yuv420p"
        s.codec_context.color_primaries = s.codec_context.color_trc = s.codec_context.colorspace = 1
        s.codec_context.color_range = 1
        for i in range(5):
            frame = av.VideoFrame(64, 64, "yuv420p")
            frame.pts = i
            out.mux(s.encode(frame))
        out.mux(s.encode(None))
    video = probe(path).video
    assert video is not None
    assert (video.color_primaries, video.color_transfer, video.color_space, video.color_range) == (
        "bt709",
        "bt709",
        "bt709",
        "tv",
    )


def test_probe_decides_kind_by_content_not_by_name(wav_master: Path, tmp_path: Path) -> None:
    disguised = tmp_path / "interview.mp4"
    shutil.copy(wav_master, disguised)
    info = probe(disguised)
    assert info.kind == "audio"
    assert info.container == "wav"
    photo = generate_photo(tmp_path / "p.jpg", 64, 48)
    photo_as_mp3 = tmp_path / "photo.mp3"
    shutil.copy(photo, photo_as_mp3)
    assert probe(photo_as_mp3).kind == "photo"


def test_probe_describes_wav(wav_master: Path) -> None:
    info = probe(wav_master)
    assert info.kind == "audio"
    assert info.video is None
    assert info.audio is not None
    assert info.audio.codec == "pcm_s16le"
    assert (info.audio.sample_rate, info.audio.channels) == (48000, 2)
    assert info.duration == pytest.approx(3.0, abs=0.001)


def test_probe_describes_mp3_and_adts_aac(
    rendered_audio: tuple[Path, list], wav_master: Path, tmp_path: Path
) -> None:
    out, _ = rendered_audio
    mp3 = probe(out / "audio.mp3")
    assert (mp3.kind, mp3.container) == ("audio", "mp3")
    assert mp3.audio is not None and mp3.audio.codec == "mp3"
    assert mp3.duration == pytest.approx(3.0, abs=0.1)
    adts = tmp_path / "tone.aac"
    with av.open(str(wav_master)) as src, av.open(str(adts), "w", format="adts") as dst:
        stream = dst.add_stream("aac", rate=48000, layout="stereo")
        for frame in src.decode(audio=0):
            frame.pts = None
            dst.mux(stream.encode(frame))
        dst.mux(stream.encode(None))
    assert sniff_family(adts) == "aac"
    info = probe(adts)
    assert (info.kind, info.container) == ("audio", "aac")
    assert info.audio is not None and info.audio.codec == "aac"


def test_probe_describes_photo(tmp_path: Path) -> None:
    path = generate_photo(tmp_path / "portrait.jpg", 300, 200, exif_orientation=6)
    info = probe(path)
    assert (info.kind, info.container) == ("photo", "jpeg")
    assert info.photo is not None
    assert (info.photo.format, info.photo.width, info.photo.height) == ("JPEG", 300, 200)
    assert info.photo.orientation == 6
    assert info.photo.display_size == (200, 300)
    assert info.photo.icc_profile is False
