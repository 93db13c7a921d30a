"""MP4 clips written directly (byte ranges of the source, edges stored after them) against FFmpeg's muxer."""

from __future__ import annotations

import os
import struct
import subprocess
import threading
from pathlib import Path

import pytest

from newsreel.media.clip import mp4 as clip_mp4
from newsreel.media.clip import mp4_writer
from newsreel.media.clip import video as clip
from newsreel.media.clip.index import build_index
from newsreel.media.clip.video import ClipError, cut
from newsreel.media.testpattern import PatternSpec, generate_video
from tests.media.conftest import Source, ffprobe
from tests.media.media_checks import top_level_atoms
from tests.media.test_clip import check_clip

DIRECT = ["h264-23.976", "h264-25", "h264-29.97", "h264-50", "h264-59.94"]


def _packets(path: Path) -> dict[str, list[list[str]]]:
    """Each stream's packets in decode order, per the system ffprobe: pts, duration, flags, MD5 of the data."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_data_hash", "MD5", "-show_entries",
                          "packet=stream_index,pts,duration,flags,data_hash", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout
    streams: dict[str, list[list[str]]] = {}
    for line in out.split():
        stream, *rest = line.split(",")
        streams.setdefault(stream, []).append(rest)
    return streams


def _muxed_by_ffmpeg(monkeypatch: pytest.MonkeyPatch, source: Path, out: Path, start: int, end: int) -> None:
    with monkeypatch.context() as m:
        m.setattr(clip, "_direct_copy", lambda *args: None)
        cut(source, out, start=start, end=end)


@pytest.mark.parametrize("name", DIRECT)
def test_direct_clip_holds_the_packets_ffmpegs_muxer_would(name: str, media: dict[str, Source], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    source = media[name]
    start, end = 7, source.count - 5
    direct, muxed = tmp_path / "direct.mp4", tmp_path / "muxed.mp4"
    report = cut(source.path, direct, start=start, end=end)
    assert build_index(source.path).mp4 is not None, "this source should take the direct path"
    _muxed_by_ffmpeg(monkeypatch, source.path, muxed, start, end)
    assert _packets(direct) == _packets(muxed)
    tags = [s.get("tags", {}).get("timecode") for s in ffprobe(direct, "-show_streams")["streams"]]
    assert tags == [s.get("tags", {}).get("timecode") for s in ffprobe(muxed, "-show_streams")["streams"]]
    assert top_level_atoms(direct) == ["ftyp", "mdat", "moov"]
    check_clip(source, direct, report, start, end)


def test_head_edge_is_stored_after_the_copied_gops(media: dict[str, Source], tmp_path: Path) -> None:
    source = media["h264-25"]
    out = tmp_path / "clip.mp4"
    report = cut(source.path, out, start=5, end=40)
    assert report.frames_reencoded > 0 and report.frames_copied > 0
    lines = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pos",
                            "-of", "csv=p=0", str(out)], capture_output=True, text=True, check=True).stdout.split()
    positions = [int(p) for p in lines]
    head = 12 - 5  # frames 5..11 of the first GOP are re-encoded
    assert min(positions[:head]) > max(positions[head:head + report.frames_copied])


def test_copy_falls_back_to_reading_and_writing(media: dict[str, Source], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    source = media["h264-29.97"]
    kernel, user = tmp_path / "kernel.mp4", tmp_path / "user.mp4"
    cut(source.path, kernel, start=3, end=60)

    def refuse(*args: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refuse)
    cut(source.path, user, start=3, end=60)
    assert kernel.read_bytes() == user.read_bytes()


def test_rotation_is_kept(tmp_path: Path) -> None:
    src = tmp_path / "phone.mp4"
    generate_video(src, PatternSpec(width=160, height=96, seconds=2, gop=10, rotation=90))
    out = tmp_path / "clip.mp4"
    cut(src, out, start=3, end=30)
    assert build_index(src).mp4 is not None

    def rotation(path: Path) -> object:
        stream = ffprobe(path, "-show_streams")["streams"][0]
        return next((d.get("rotation") for d in stream.get("side_data_list", []) if "rotation" in d), None)

    assert rotation(out) == rotation(src) is not None


def test_audio_is_described_as_iso_mp4a_even_from_quicktime(media: dict[str, Source], tmp_path: Path) -> None:
    source = media["h264-50"]  # a .mov source
    out = tmp_path / "clip.mp4"
    cut(source.path, out, start=4, end=30)
    data = out.read_bytes()
    at = data.index(b"mp4a")
    assert struct.unpack(">H", data[at + 4 + 8:at + 4 + 10])[0] == 0  # sound sample entry version 0
    audio = next(s for s in ffprobe(out, "-show_streams")["streams"] if s["codec_type"] == "audio")
    assert (audio["codec_name"], int(audio["sample_rate"]), int(audio["channels"])) == ("aac", 48000, 2)


def test_large_offsets_use_co64() -> None:
    track = mp4_writer.Track(b"soun", 48000, b"\0" * 8, durations=[1024, 1024], sizes=[10, 10],
                             locations=[100, (1 << 32) + 5])
    table = mp4_writer._stbl(track)
    assert b"co64" in table and b"stco" not in table
    at = table.index(b"co64")
    count, first, second = struct.unpack(">IQQ", table[at + 8:at + 28])
    assert (count, first, second) == (2, 100, (1 << 32) + 5)


def test_a_source_shorter_than_its_tables_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "short.bin"
    source.write_bytes(b"x" * 1000)
    with open(tmp_path / "out.mp4", "wb") as out:
        writer = mp4_writer.Mp4Writer(out)
        with pytest.raises(ClipError, match="changed while it was being cut"):
            clip_mp4.copy_samples(writer, source, [(0, 100), (900, 200)], None)


def test_pieces_are_copied_in_file_order_and_merged(tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(bytes(range(256)) * 4)
    path = tmp_path / "out.bin"
    with open(path, "wb") as out:
        writer = mp4_writer.Mp4Writer(out)
        base = writer.position
        locations = clip_mp4.copy_samples(writer, source, [(10, 5), (0, 10), (100, 3)], None)
        end = writer.position
    data = path.read_bytes()
    assert locations == [base + 10, base, base + 15]  # the first two pieces are one run
    assert data[base:end] == source.read_bytes()[0:15] + source.read_bytes()[100:103]


def test_a_failed_copy_stops_the_edges_and_leaves_no_file(media: dict[str, Source], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> list[int]:
        raise ClipError("the source changed while it was being cut")

    monkeypatch.setattr(clip_mp4, "copy_samples", fail)
    out = tmp_path / "clip.mp4"
    before = threading.active_count()
    with pytest.raises(ClipError, match="changed"):
        cut(media["h264-25"].path, out, start=5, end=39)  # a head and a tail edge: the tail waits for the copy
    assert not out.exists()
    assert threading.active_count() == before  # the waiting tail gave up; no thread is left behind
