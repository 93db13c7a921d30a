from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from newsreel.media.probe import probe
from newsreel.media.render import render_video
from newsreel.media.renditions import RenditionFile, sha256_of
from newsreel.media.testpattern import PatternSpec, generate_video
from newsreel.media.video.geometry import output_size
from newsreel.media.video.transcode import BROADCAST, WEB_PREVIEW, transcode_video
from tests.media.media_checks import (
    Master,
    decode_gray_frames,
    decode_pcm,
    ffprobe,
    first_frame_rgb,
    needs_ffmpeg,
    stream_of,
    top_level_atoms,
    video_frame_flags,
)

pytest_plugins = ["tests.media.media_fixtures"]
pytestmark = [needs_ffmpeg, pytest.mark.slow]


def _by_role(files: list[RenditionFile]) -> dict[str, RenditionFile]:
    return {f.role: f for f in files}


def test_web_preview_is_browser_safe_h264_aac_with_fast_start(
    rendered_video: tuple, master_25: Master
) -> None:
    out, _files, _ = rendered_video
    web = out / "web.mp4"
    video, audio = stream_of(web, "video"), stream_of(web, "audio")
    assert video["codec_name"] == "h264"
    assert video["profile"] in {"High", "Main"}
    assert video["pix_fmt"] == "yuv420p"
    assert (video["width"], video["height"]) == (320, 180)  # smaller than 720p: kept, never upscaled
    assert int(video["nb_frames"]) == master_25.frames
    assert float(video["duration"]) == pytest.approx(3.0, abs=1 / 25)
    assert audio["codec_name"] == "aac"
    assert (audio["channels"], audio["sample_rate"]) == (2, "48000")
    atoms = top_level_atoms(web)
    assert atoms.index("moov") < atoms.index("mdat"), f"moov must come first for fast start: {atoms}"


def test_web_preview_has_a_keyframe_every_two_seconds(rendered_video: tuple) -> None:
    out, _, _ = rendered_video
    flags = video_frame_flags(out / "web.mp4")
    keyframe_times = [t for t, key in flags if key]
    assert keyframe_times[0] == pytest.approx(0.0, abs=1e-3)
    gaps = np.diff([*keyframe_times, flags[-1][0] + 1 / 25])
    assert max(gaps) <= 2.0 + 1e-3
    assert keyframe_times == pytest.approx([0.0, 2.0], abs=1e-3)


def test_web_preview_holds_the_source_frames_in_order(rendered_video: tuple, master_25: Master) -> None:
    out, _, _ = rendered_video
    source = decode_gray_frames(master_25.path, 80, 45).astype(np.int16)
    preview = decode_gray_frames(out / "web.mp4", 80, 45).astype(np.int16)
    assert len(preview) == len(source)
    for i, frame in enumerate(preview):
        distances = np.abs(source - frame).mean(axis=(1, 2))
        assert int(np.argmin(distances)) == i, (
            f"preview frame {i} looks like source frame {np.argmin(distances)}"
        )


def test_web_preview_keeps_audio_in_sync(rendered_video: tuple) -> None:
    out, _, _ = rendered_video
    pcm = np.abs(decode_pcm(out / "web.mp4")[:, 0].astype(np.float32)) / 32768
    # The test tone beeps loudly for the first 0.1 s of every second: find the beep that starts at 1 s.
    window = 240  # 5 ms
    envelope = pcm[: len(pcm) // window * window].reshape(-1, window).max(axis=1)
    loud = np.flatnonzero(envelope > 0.3)
    onsets = loud[np.insert(np.diff(loud) > 1, 0, True)] * window / 48000
    assert any(abs(t - 1.0) < 0.04 for t in onsets), onsets
    assert any(abs(t - 2.0) < 0.04 for t in onsets), onsets


def test_broadcast_keeps_frame_rate_timecode_and_has_the_higher_bitrate(rendered_video: tuple) -> None:
    out, files, _ = rendered_video
    bc = out / "broadcast.mp4"
    video = stream_of(bc, "video")
    assert video["codec_name"] == "h264"
    assert video["r_frame_rate"] == "25/1"
    assert video["pix_fmt"] == "yuv420p"
    tmcd = [s for s in ffprobe(bc, "-show_streams")["streams"] if s.get("codec_tag_string") == "tmcd"]
    assert tmcd and tmcd[0]["tags"]["timecode"] == "10:00:00:00"
    roles = _by_role(files)
    assert roles["broadcast"].bitrate > roles["web"].bitrate  # type: ignore[operator]


@pytest.mark.parametrize("name", ["h264_2997", "h264_50", "prores_mov", "dnxhr_mov", "mpeg2_mxf"])
def test_renditions_of_other_rates_and_codecs(masters: dict[str, Master], name: str, tmp_path: Path) -> None:
    master = masters[name]
    rate = master.spec.rate
    web, bc = tmp_path / "web.mp4", tmp_path / "broadcast.mp4"
    transcode_video(master.path, [(WEB_PREVIEW, web), (BROADCAST, bc)], threads=1)
    for path in (web, bc):
        video = stream_of(path, "video")
        assert Fraction(video["r_frame_rate"]) == rate
        assert int(video["nb_frames"]) == master.frames
        assert float(video["duration"]) == pytest.approx(master.spec.seconds, abs=float(1 / rate) + 1e-3)
        assert stream_of(path, "audio")["codec_name"] == "aac"
    flags = video_frame_flags(web)
    key_indexes = [i for i, (_, key) in enumerate(flags) if key]
    assert key_indexes == list(range(0, master.frames, round(2 * rate)))
    assert len(key_indexes) == 2
    tmcd = [s for s in ffprobe(bc, "-show_streams")["streams"] if s.get("codec_tag_string") == "tmcd"]
    if master.timecode:
        assert tmcd[0]["tags"]["timecode"] == master.timecode
    else:
        assert not tmcd


def test_render_video_describes_every_file_it_wrote(rendered_video: tuple) -> None:
    out, files, _ = rendered_video
    roles = _by_role(files)
    assert {
        "web",
        "broadcast",
        "poster",
        "thumbnail_640",
        "thumbnail_320",
        "storyboard_sprite",
        "storyboard_index",
        "storyboard_vtt",
        "audio_mp3",
        "audio_wav",
    } <= set(roles)
    written = {p.name for p in out.iterdir()}
    assert written == {f.path.name for f in files}, "no temporary or stray files may remain"
    for f in files:
        assert f.path.parent == out
        assert f.size_bytes == f.path.stat().st_size
        assert f.sha256 == sha256_of(f.path)
    web = roles["web"]
    assert (web.container, web.mime_type, web.video_codec, web.audio_codec) == (
        "mp4",
        "video/mp4",
        "h264",
        "aac",
    )
    assert (web.width, web.height, web.frame_rate) == (320, 180, Fraction(25))
    assert web.duration == pytest.approx(3.0, abs=0.05)
    assert roles["audio_mp3"].audio_codec == "mp3"
    assert roles["audio_wav"].audio_codec == "pcm_s16le"


def test_render_video_again_overwrites_instead_of_duplicating(
    rendered_video: tuple, master_25: Master
) -> None:
    out, files, _ = rendered_video
    before = sorted(p.name for p in out.iterdir())
    again = render_video(master_25.path, out, threads=1, broadcast=False)
    assert sorted(p.name for p in out.iterdir()) == before
    assert {f.path for f in again} <= {f.path for f in files}


def test_render_video_reports_progress_from_start_to_finish(rendered_video: tuple) -> None:
    _, _, progress = rendered_video
    assert len(progress) > 10
    assert progress[0] < 0.1
    assert progress[-1] == 1.0
    assert all(b >= a for a, b in itertools.pairwise(progress))
    assert all(0.0 <= p <= 1.0 for p in progress)


@pytest.mark.parametrize(
    ("size", "sar", "box", "expected"),
    [
        ((1920, 1080), None, (1280, 720), (1280, 720)),
        ((3840, 2160), None, (1920, 1080), (1920, 1080)),
        ((320, 180), None, (1280, 720), (320, 180)),
        ((1080, 1920), None, (1280, 720), (404, 720)),
        ((720, 576), Fraction(64, 45), (1280, 720), (1024, 576)),
        ((1440, 1080), Fraction(4, 3), (1280, 720), (1280, 720)),
        ((321, 181), None, (1280, 720), (320, 180)),
    ],
)
def test_output_size_fits_the_box_with_square_even_pixels(
    size: tuple[int, int], sar: Fraction | None, box: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert output_size(size[0], size[1], sar, *box) == expected


def test_interlaced_master_is_deinterlaced_at_the_same_frame_rate(tmp_path: Path) -> None:
    master = generate_video(
        tmp_path / "interlaced.mxf",
        PatternSpec(
            width=320,
            height=180,
            seconds=2,
            codec="mpeg2video",
            pix_fmt="yuv422p",
            audio_codec="pcm_s16le",
            codec_options={"flags": "+ildct+ilme"},
        ),
    )
    info = probe(master)
    assert info.video is not None and info.video.interlaced
    web = tmp_path / "web.mp4"
    transcode_video(master, [(WEB_PREVIEW, web)], info=info, threads=1)
    video = stream_of(web, "video")
    assert video["field_order"] == "progressive"
    assert video["r_frame_rate"] == "25/1"
    assert int(video["nb_frames"]) == 50


def test_colours_survive_the_change_to_bt709(rendered_video: tuple, master_25: Master) -> None:
    # The untagged SD master is BT.601 by convention; the preview is tagged BT.709, so its pixels must be
    # converted for the colour bars to look the same once a player applies the tags.
    out, _, _ = rendered_video
    assert stream_of(out / "web.mp4", "video")["color_space"] == "bt709"

    def bars(path: Path) -> np.ndarray:
        rgb = first_frame_rgb(path).astype(np.int16)
        w = rgb.shape[1]
        centres = [int((i + 0.5) * w / 7) for i in range(7)]
        return np.array([rgb[20:60, c - 5 : c + 5].reshape(-1, 3).mean(axis=0) for c in centres])

    assert np.abs(bars(out / "web.mp4") - bars(master_25.path)).max() <= 8


def test_phone_video_with_display_rotation_comes_out_upright(tmp_path: Path) -> None:
    master = generate_video(
        tmp_path / "phone.mp4", PatternSpec(width=320, height=180, seconds=1, rotation=90, audio=False)
    )
    info = probe(master)
    assert info.video is not None
    assert info.video.rotation == 90
    assert info.video.upright_size == (180, 320)
    files = {f.role: f for f in render_video(master, tmp_path / "out", threads=1, broadcast=False)}
    web = files["web"].path
    assert (files["web"].width, files["web"].height) == (180, 320)
    assert (files["poster"].width, files["poster"].height) == (180, 320)
    assert "side_data_list" not in stream_of(web, "video"), "a leftover rotation would turn it again"
    # ffmpeg applies the master's rotation itself when decoding: the preview must match that picture.
    upright = decode_gray_frames(master, 45, 80).astype(np.int16)
    preview = decode_gray_frames(web, 45, 80).astype(np.int16)
    assert len(preview) == len(upright) == 25
    for i, frame in enumerate(preview):
        assert int(np.argmin(np.abs(upright - frame).mean(axis=(1, 2)))) == i
    difference = np.abs(upright - preview).mean()
    assert difference < 12
    assert np.abs(upright[:, ::-1, ::-1] - preview).mean() > 3 * difference  # upside down would be far off
