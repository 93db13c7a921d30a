"""Presentation times from MP4 sample tables agree with the demuxer, and odd files fall back to demuxing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from newsreel.media.clip import index as clip_index
from newsreel.media.clip.index import build_index
from newsreel.media.clip.mp4_tables import TrackTables, read_tracks
from newsreel.media.safeio import open_input
from newsreel.media.testpattern import PatternSpec, generate_video
from tests.media.conftest import Source

MP4_SOURCES = ["h264-23.976", "h264-25", "h264-29.97", "h264-50", "h264-59.94", "h264-open-gop", "mpeg4"]


def _ffprobe_offsets(path: Path) -> list[int]:
    """pts - dts of every video packet in decode order, in the stream's time base, from the system ffprobe."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,dts",
                          "-of", "csv=p=0", str(path)], capture_output=True, text=True, check=True).stdout
    return [int(pts) - int(dts) for pts, dts in (line.split(",")[:2] for line in out.split())]


def _video(path: Path) -> TrackTables | None:
    tracks = read_tracks(path)
    return None if tracks is None else tracks.get(1)


@pytest.mark.parametrize("name", MP4_SOURCES)
def test_composition_offsets_match_the_demuxer(name: str, media: dict[str, Source]) -> None:
    path = media[name].path
    tables = _video(path)
    assert tables is not None and tables.offsets == _ffprobe_offsets(path)


@pytest.mark.parametrize("name", MP4_SOURCES)
def test_index_from_tables_equals_index_from_every_packet(name: str, media: dict[str, Source],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    fast = build_index(media[name].path)
    monkeypatch.setattr(clip_index, "_from_sample_tables", lambda *args: None)
    slow = build_index(media[name].path)
    def timing(packets: list[clip_index.PacketInfo]) -> list[tuple[int, int, bool, bool]]:
        return [(p.pts, p.raw, p.key, p.idr) for p in packets]

    assert (timing(fast.packets), fast.gops, fast.display, fast.reorder) == (
        timing(slow.packets), slow.gops, slow.display, slow.reorder)
    assert all(p.size > 0 for p in fast.packets) and all(p.pos == -1 for p in slow.packets)
    assert fast.bitstream == slow.bitstream


def test_fragmented_mp4_falls_back_to_demuxing(media: dict[str, Source], tmp_path: Path) -> None:
    path = tmp_path / "fragmented.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(media["h264-25"].path), "-c", "copy", "-movflags",
                    "frag_keyframe+empty_moov", str(path)], check=True)
    assert _video(path) is None
    index = build_index(path)
    assert index.frames == media["h264-25"].count


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_truncated_tables_are_not_trusted(keep: float, media: dict[str, Source], tmp_path: Path) -> None:
    data = media["h264-25"].path.read_bytes()
    path = tmp_path / "truncated.mp4"
    path.write_bytes(data[:int(len(data) * keep)])
    assert _video(path) is None


def test_unknown_track_has_no_tables(media: dict[str, Source]) -> None:
    tracks = read_tracks(media["h264-25"].path)
    assert tracks is not None and 99 not in tracks and 1 in tracks


@pytest.mark.parametrize("options", [
    {"color_primaries": "bt709", "color_trc": "bt709", "colorspace": "bt709", "color_range": "tv"},
    {"aspect": "16:15", "color_range": "tv"},
    {"color_range": "pc"},  # full range: FFmpeg is asked
    {"colorspace": "smpte170m"},  # matrix only
], ids=["bt709", "sar", "full-range", "matrix-only"])
def test_coding_read_from_the_sps_is_what_ffmpeg_reports(options: dict[str, str], tmp_path: Path) -> None:
    path = generate_video(tmp_path / "tagged.mp4", PatternSpec(width=160, height=96, seconds=0.5, gop=6,
                                                               codec_options=options))
    with open_input(path) as probed:
        reported = clip_index.Coding.of(probed.streams.video[0].codec_context)
    assert build_index(path).coding == reported


def test_coding_of_422_is_asked_of_ffmpeg(tmp_path: Path) -> None:
    path = generate_video(tmp_path / "422.mp4", PatternSpec(width=160, height=96, seconds=0.5, gop=6,
                                                            pix_fmt="yuv422p"))
    assert build_index(path).coding.pix_fmt == "yuv422p"
