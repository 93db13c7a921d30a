"""The smart cut, checked against the source with the system ffmpeg/ffprobe as independent tools."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreel.media.clip.video import ClipError, ClipReport, cut
from newsreel.media.testpattern import PatternSpec, generate_video
from tests.media.conftest import SOURCES, Source, decode_errors, decode_yuv, ffprobe, psnr
from tests.media.media_checks import edit_lists, hides_nothing

AUDIO_FRAME = 1024 / 48000
SMART = ["h264-23.976", "h264-25", "h264-29.97", "h264-50", "h264-59.94", "h264-mxf"]


def check_clip(source: Source, out: Path, report: ClipReport, start: int, end: int) -> None:
    n = end - start
    assert (report.first_frame, report.last_frame) == (start, end - 1)
    assert report.frames_copied + report.frames_reencoded == n
    assert decode_errors(out) == ""
    info = ffprobe(out, "-count_frames", "-count_packets", "-show_entries",
                   "stream=codec_type,codec_name,start_time,duration,nb_read_frames,nb_read_packets")
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    # Stored and presented frames are the same: no hidden pre-roll for an edit list to hide.
    assert int(video["nb_read_packets"]) == n
    assert int(video["nb_read_frames"]) == n
    assert float(video["start_time"]) == 0.0
    assert video["codec_name"] == "h264"
    frames = decode_yuv(out)
    assert len(frames) == n
    copied = range(report.copied_range[0], report.copied_range[1] + 1) if report.copied_range else range(0)
    assert len(copied) == report.frames_copied
    for k, frame in enumerate(frames):
        original = source.frames[start + k]
        if start + k in copied:
            assert (frame == original).all(), f"copied frame {start + k} is not bit-exact"
        else:
            assert psnr(frame, original) >= 45, f"re-encoded frame {start + k} differs from the source"
    audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
    if source.spec.audio:
        assert len(audio) == 1
        assert float(audio[0]["start_time"]) == 0.0
        assert abs(float(audio[0]["duration"]) - n / source.spec.rate) <= AUDIO_FRAME + 1e-3
    # Nothing is skipped or delayed by an edit list, in any track: editing software often ignores them.
    assert hides_nothing(out), edit_lists(out)


def _pairs(count: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(0, count - 1), st.integers(1, count)).filter(lambda p: p[0] < p[1])


@pytest.mark.slow
@pytest.mark.parametrize("name", SMART)
def test_smart_cut_holds_exactly_the_requested_frames(name: str, media: dict[str, Source],
                                                     tmp_path: Path) -> None:
    source = media[name]

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_pairs(source.count))
    def run(pair: tuple[int, int]) -> None:
        start, end = pair
        out = tmp_path / "clip.mp4"
        report = cut(source.path, out, start=start, end=end)
        assert report.method in ("smart-cut", "re-encode")
        check_clip(source, out, report, start, end)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["h264-25", "h264-29.97", "h264-mxf"])
def test_long_clip_copies_inner_gops_and_reencodes_only_the_edges(name: str, media: dict[str, Source],
                                                                 tmp_path: Path) -> None:
    source = media[name]
    gop = source.spec.gop
    start, end = gop // 2 + 1, source.count - gop // 2 - 1
    out = tmp_path / "clip.mp4"
    report = cut(source.path, out, start=start, end=end)
    assert report.method == "smart-cut"
    assert report.copied_range is not None
    first_copied, last_copied = report.copied_range
    last_whole = (source.count // gop - 1) * gop - 1
    assert first_copied == gop
    # Past the last whole GOP, the tail GOP's pictures are copied up to the last mini-GOP (reference picture
    # plus its B-pictures) that ends before the out point: at most `bframes` frames are left to re-encode.
    assert last_whole <= last_copied < end
    assert end - 1 - last_copied <= source.spec.bframes
    assert report.frames_reencoded == (gop - start) + (end - 1 - last_copied)
    check_clip(source, out, report, start, end)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["h264-25", "h264-29.97", "h264-open-gop"])
def test_tail_inside_a_gop_reencodes_at_most_the_last_b_frames(name: str, media: dict[str, Source],
                                                              tmp_path: Path) -> None:
    source = media[name]
    gop = source.spec.gop
    for end in range(gop + 1, 2 * gop + 1):
        out = tmp_path / f"clip-{end}.mp4"
        report = cut(source.path, out, start=gop, end=end)
        assert report.copied_range is not None and report.copied_range[0] == gop
        assert report.frames_reencoded <= source.spec.bframes, (end, report)
        check_clip(source, out, report, gop, end)


def _beep_onsets(path: Path, rate: int) -> list[float]:
    """Seconds at which the test tone's once-a-second beep starts, decoded by the system ffmpeg."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(rate),
                          "-f", "f32le", "-"], capture_output=True, check=True).stdout
    samples = np.abs(np.frombuffer(raw, np.float32))
    window = rate // 1000  # 1 ms: the tone is 1 kHz, so each window holds one whole period
    loud = np.convolve(samples, np.ones(window) / window, mode="same") > 0.2
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    return [i / rate for i in starts if i > rate // 20]  # not the fade-in of the first audio frame


@pytest.mark.slow
@pytest.mark.parametrize(("name", "tolerance"), [("h264-25", 512 / 48000 + 0.002), ("h264-mxf", 0.002)])
def test_clip_audio_stays_in_sync_with_the_video(name: str, tolerance: float, media: dict[str, Source],
                                                 tmp_path: Path) -> None:
    # Copied AAC starts at the audio frame nearest the first video frame (within half a frame, 10.7 ms);
    # PCM that has to be re-encoded is cut to the sample. Beeps start on every whole second of the source.
    source = media[name]
    start, end = 13, source.count - 2
    out = tmp_path / "clip.mp4"
    cut(source.path, out, start=start, end=end)
    offset = start / source.spec.rate
    onsets = _beep_onsets(out, source.spec.audio_rate)
    expected = [s - float(offset) for s in range(1, int(source.spec.seconds)) if s > offset]
    assert len(onsets) == len(expected)
    for got, want in zip(onsets, expected, strict=True):
        assert abs(got - want) <= tolerance, (got, want)

@pytest.mark.slow
def test_mov_output_and_clip_on_gop_boundaries_is_all_copied(media: dict[str, Source],
                                                              tmp_path: Path) -> None:
    source = media["h264-50"]
    gop = source.spec.gop
    out = tmp_path / "clip.mov"
    report = cut(source.path, out, start=gop, end=2 * gop)
    assert (report.frames_copied, report.frames_reencoded) == (gop, 0)
    check_clip(source, out, report, gop, 2 * gop)


@pytest.mark.slow
@given(pair=_pairs(75))
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_open_gop_source_is_cut_exactly(pair: tuple[int, int], media: dict[str, Source],
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    source = media["h264-open-gop"]
    out = tmp_path_factory.mktemp("open") / "clip.mp4"
    report = cut(source.path, out, start=pair[0], end=pair[1])
    check_clip(source, out, report, *pair)


@pytest.mark.slow
def test_open_gop_run_starts_at_a_rewritten_i_picture(media: dict[str, Source], tmp_path: Path) -> None:
    source = media["h264-open-gop"]
    out = tmp_path / "clip.mp4"
    report = cut(source.path, out, start=5, end=70)
    assert report.method == "smart-cut"
    assert report.copied_range is not None and report.copied_range[0] == 12  # a non-IDR I picture
    assert report.frames_copied >= 36
    check_clip(source, out, report, 5, 70)
    # The source's first I picture after frame 0 is not IDR; in the clip the copied one must be.
    types = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "frame=key_frame,pict_type", "-of", "csv=p=0", str(out)],
                           capture_output=True, text=True, check=True).stdout.split()
    assert types[12 - 5].startswith("1,I")


@pytest.mark.slow
def test_other_codecs_are_reencoded_and_labelled(media: dict[str, Source], tmp_path: Path) -> None:
    source = media["mpeg4"]
    out = tmp_path / "clip.mp4"
    report = cut(source.path, out, start=7, end=33)
    assert report.method == "re-encode"
    assert report.frames_copied == 0 and report.frames_reencoded == 26
    assert any("mpeg4" in w and "re-encoded" in w for w in report.warnings)
    check_clip(source, out, report, 7, 33)


@pytest.mark.slow
def test_clip_timecode_is_source_start_plus_in_point(timecoded: Source, tmp_path: Path) -> None:
    out = tmp_path / "clip.mp4"
    report = cut(timecoded.path, out, start=37, end=60)
    assert report.start_timecode == "10:00:01:12"
    tags = ffprobe(out, "-show_entries", "stream=codec_type:stream_tags=timecode")["streams"]
    assert tags[0]["tags"]["timecode"] == "10:00:01:12"


@pytest.mark.slow
def test_timecode_without_source_timecode_counts_from_zero(media: dict[str, Source], tmp_path: Path) -> None:
    report = cut(media["h264-29.97"].path, tmp_path / "c.mp4", start=31, end=40)
    assert report.start_timecode == "00:00:01;01"


def _packet_hashes(path: Path) -> list[str]:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_data_hash", "MD5",
                          "-show_entries", "packet=data_hash", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.mark.slow
def test_fast_mode_widens_to_gops_and_copies_packets(media: dict[str, Source], tmp_path: Path) -> None:
    source = media["h264-25"]
    out = tmp_path / "fast.mp4"
    report = cut(source.path, out, start=17, end=40, mode="fast")
    assert report.method == "stream-copy"
    assert (report.first_frame, report.last_frame) == (12, 47)
    assert report.frames_reencoded == 0 and report.frames_copied == 36
    assert any("not frame-accurate" in w for w in report.warnings)
    assert decode_errors(out) == ""
    clip, original = _packet_hashes(out), _packet_hashes(source.path)
    assert clip == original[12:48]
    frames = decode_yuv(out)
    assert len(frames) == 36 and (frames == source.frames[12:48]).all()


@pytest.mark.slow
def test_fast_mode_on_a_keyframe_is_exact(media: dict[str, Source], tmp_path: Path) -> None:
    report = cut(media["h264-25"].path, tmp_path / "f.mp4", start=24, end=36, mode="fast")
    assert (report.first_frame, report.last_frame) == (24, 35)


@pytest.mark.parametrize(("start", "end", "message"), [
    (10, 10, "before the out point"),
    (20, 10, "before the out point"),
    (0, 10_000, "past the end"),
    (-1, 10, "negative"),
])
def test_bad_ranges_are_clear_errors(start: int, end: int, message: str, media: dict[str, Source],
                                     tmp_path: Path) -> None:
    out = tmp_path / "x.mp4"
    with pytest.raises(ClipError, match=message):
        cut(media["h264-25"].path, out, start=start, end=end)
    assert not out.exists()


def test_unsupported_output_and_input_are_clear_errors(media: dict[str, Source], tmp_path: Path) -> None:
    with pytest.raises(ClipError, match=r"\.mp4 or \.mov"):
        cut(media["h264-25"].path, tmp_path / "x.avi", start=0, end=5)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 10)
    with pytest.raises(ClipError):
        cut(junk, tmp_path / "x.mp4", start=0, end=5)


def test_sources_cover_every_listed_kind() -> None:
    assert set(SMART) | {"h264-open-gop", "mpeg4"} == set(SOURCES)


def test_interlaced_source_keeps_its_field_order_at_the_edges(tmp_path: Path) -> None:
    spec = PatternSpec(width=256, height=144, rate=Fraction(25), seconds=2, gop=12,
                       codec_options={"flags": "+ilme+ildct"})  # x264 MBAFF, top field first
    path = generate_video(tmp_path / "interlaced.mp4", spec)
    source = Source("interlaced", path, spec, decode_yuv(path))
    out = tmp_path / "clip.mp4"
    report = cut(path, out, start=5, end=40)
    assert report.frames_reencoded > 0
    check_clip(source, out, report, 5, 40)

    def scan(path: Path) -> list[str]:
        return subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                               "frame=interlaced_frame,top_field_first", "-of", "csv=p=0", str(path)],
                              capture_output=True, text=True, check=True).stdout.replace(",\n", "\n").split()

    # The re-encoded edge is coded interlaced with the source's field order (x264 MBAFF), not progressive.
    assert scan(out)[:7] == scan(path)[5:12]
    assert scan(out)[0].startswith("1,")
