"""Clips cut from several threads at once share the index cache and stay frame-exact.

The portal's clips worker and the CLI both run `cut` in threads of one process; the source index is cached per
process, so these threads read the same cached index while some of them add warnings of their own.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from newsreel.media.clip import video
from newsreel.media.clip.video import ClipReport, cut
from tests.media.conftest import Source
from tests.media.test_clip import check_clip

RANGES = [(0, 30), (13, 87), (40, 41), (25, 75), (7, 60), (51, 99)]


@pytest.mark.slow
def test_clips_cut_in_parallel_threads_from_one_source_are_exact(media: dict[str, Source], tmp_path: Path) -> None:
    source = media["h264-25"]
    ranges = [(start, min(end, source.count)) for start, end in RANGES]
    barrier = threading.Barrier(len(ranges))

    def one(number: int) -> tuple[Path, ClipReport]:
        start, end = ranges[number]
        out = tmp_path / f"clip-{number}.mp4"
        barrier.wait()  # all start together, so they meet in the cache
        return out, cut(source.path, out, start=start, end=end)

    with ThreadPoolExecutor(len(ranges)) as pool:
        results = list(pool.map(one, range(len(ranges))))
    for (start, end), (out, report) in zip(ranges, results, strict=True):
        check_clip(source, out, report, start, end)


def test_a_cached_index_hands_each_caller_its_own_warnings(media: dict[str, Source]) -> None:
    source = media["h264-25"]
    first = video._index(source.path)
    first.warnings.append("only this caller's")
    second = video._index(source.path)
    assert second.warnings == []
    assert second.display is first.display  # the index itself was read once


def test_the_index_cache_is_bounded(media: dict[str, Source]) -> None:
    for name in ("h264-25", "h264-29.97", "h264-50", "h264-23.976", "h264-59.94"):
        video._index(media[name].path)
    assert len(video._INDEXES) <= video.INDEX_CACHE_SIZE
