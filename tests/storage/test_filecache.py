"""The host's cache of stored files: bounded, least recently used out first, never removing a file in use, and
safe when several jobs (processes) use it at once."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import BinaryIO

from newsreel.lib.filecache import LocalFileCache

SIZE = 100_000


def _content(name: str) -> bytes:
    return (name.encode() * (SIZE // len(name) + 1))[:SIZE]


def _job(root: str, limit: int, names: list[str], results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    cache = LocalFileCache(Path(root), limit)
    for name in names:
        def fetch(out: BinaryIO, name: str = name) -> None:
            out.write(_content(name))

        with cache.local_path(name, version="1", size=SIZE, fetch=fetch) as path:
            # While this job holds it, the file is whole and in place, whatever the others evict.
            ok = path.read_bytes() == _content(name)
            results.put((ok, cache.total_bytes()))


def test_bound_holds_under_concurrent_jobs(tmp_path: Path) -> None:
    limit = 5 * SIZE
    results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    jobs = [multiprocessing.Process(target=_job, args=(str(tmp_path), limit,
                                                       [f"items/{j}-{i % 7}/master.mp4" for i in range(25)], results))
            for j in range(4)]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(60)
        assert job.exitcode == 0
    seen = [results.get(timeout=5) for _ in range(100)]
    assert all(ok for ok, _total in seen)
    # Each of the 4 jobs holds at most one file while it reads it: the folder never passes the limit by more.
    assert max(total for _ok, total in seen) <= limit + 4 * SIZE
    assert LocalFileCache(tmp_path, limit).total_bytes() <= limit
    assert not list((tmp_path / "tmp").iterdir())


def test_least_recently_used_goes_first_and_a_file_in_use_stays(tmp_path: Path) -> None:
    cache = LocalFileCache(tmp_path, 2 * SIZE)
    fetched: list[str] = []

    def use(name: str) -> Path:
        def fetch(out: BinaryIO) -> None:
            fetched.append(name)
            out.write(_content(name))

        with cache.local_path(name, version="1", size=SIZE, fetch=fetch) as path:
            return path

    a, _b = use("a.mp4"), use("b.mp4")
    os.utime(a, (1, 1))  # "a" is the oldest
    use("b.mp4")
    c = use("c.mp4")  # evicts a, the least recently used
    assert not a.exists() and c.exists()
    assert fetched == ["a.mp4", "b.mp4", "c.mp4"]

    def fetch_d(out: BinaryIO) -> None:
        out.write(_content("d.mp4"))

    with cache.local_path("c.mp4", version="1", size=SIZE, fetch=fetch_d) as held:
        os.utime(held, (1, 1))  # oldest, but in use
        use("d.mp4")
        use("e.mp4")
        assert held.read_bytes() == _content("c.mp4")


def test_a_new_version_is_fetched_again(tmp_path: Path) -> None:
    cache = LocalFileCache(tmp_path, 10 * SIZE)

    def fetch_with(data: bytes) -> object:
        return lambda out: out.write(data)

    with cache.local_path("x.mp4", version="1", size=3, fetch=fetch_with(b"one")) as first:  # type: ignore[arg-type]
        assert first.read_bytes() == b"one"
    with cache.local_path("x.mp4", version="2", size=3, fetch=fetch_with(b"two")) as second:  # type: ignore[arg-type]
        assert second.read_bytes() == b"two"
    assert first != second and first.suffix == ".mp4"
