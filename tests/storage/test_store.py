"""The store, on local disk and on a real S3-compatible server (s3rver, over HTTP): files go in and come out
byte for byte, large ones in several parts, and signed URLs send them with their name, type and ranges, then expire."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from newsreel.lib import store
from tests.objectstore import PART_BYTES, S3Store


def _random_file(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> str:
    if request.param == "s3":
        request.getfixturevalue("s3_store")
    else:
        settings.MEDIA_ROOT = str(tmp_path / "media")
    return str(request.param)


def test_round_trip_is_byte_exact(backend: str, tmp_path: Path) -> None:
    data = _random_file(tmp_path / "in.bin", 300_001)
    store.put_file("items/X-1/derived/web.mp4", tmp_path / "in.bin")
    assert (tmp_path / "in.bin").exists()  # copied, not taken
    assert b"".join(store.read_range("items/X-1/derived/web.mp4", 0, len(data))) == data
    assert b"".join(store.read_range("items/X-1/derived/web.mp4", 1000, 5)) == data[1000:1005]
    assert store.head_bytes("items/X-1/derived/web.mp4", 12) == data[:12]
    info = store.stat("items/X-1/derived/web.mp4")
    assert info is not None and info.size == len(data)
    with store.local_copy("items/X-1/derived/web.mp4") as path:
        assert path.read_bytes() == data


def test_put_replaces_and_delete_removes(backend: str, tmp_path: Path) -> None:
    _random_file(tmp_path / "a", 10)
    second = _random_file(tmp_path / "b", 20)
    store.put_file("x/file.bin", tmp_path / "a")
    store.put_file("x/file.bin", tmp_path / "b", move=True)
    assert b"".join(store.read_range("x/file.bin", 0, 100)) == second
    store.delete("x/file.bin")
    assert not store.exists("x/file.bin")
    assert store.stat("x/file.bin") is None
    store.delete("x/file.bin")  # already gone: no error


def test_local_disk_move_is_a_rename(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Path(settings.MEDIA_ROOT).mkdir()
    source = tmp_path / "media" / "spool"
    _random_file(source, 1000)
    inode = source.stat().st_ino
    store.put_file("items/X-1/master.mp4", source, move=True)
    stored = tmp_path / "media" / "items" / "X-1" / "master.mp4"
    assert stored.stat().st_ino == inode and not source.exists()


def _length(body: Any) -> int:
    start = body.tell()
    body.seek(0, os.SEEK_END)
    end = body.tell()
    body.seek(start)
    return int(end - start)


def test_large_file_goes_up_in_parts(s3_store: S3Store, tmp_path: Path) -> None:
    data = _random_file(tmp_path / "big.bin", 2 * PART_BYTES + 12345)
    parts: list[int] = []
    # The requests the storage's own client sends, as they leave: one UploadPart each.
    events = store.storage().connection.meta.client.meta.events  # type: ignore[attr-defined]
    events.register("before-call.s3.UploadPart", lambda params, **_kw: parts.append(_length(params["body"])))
    store.put_file("items/X-2/master.mxf", tmp_path / "big.bin")
    assert sorted(parts) == [12345, PART_BYTES, PART_BYTES]
    assert hashlib.sha256(s3_store.read("items/X-2/master.mxf")).digest() == hashlib.sha256(data).digest()


def test_signed_url_carries_name_type_and_ranges_then_expires(s3_store: S3Store, tmp_path: Path) -> None:
    data = _random_file(tmp_path / "clip.mp4", 700_000)
    store.put_file("clips/ab/clip.mp4", tmp_path / "clip.mp4")
    url = store.signed_url("clips/ab/clip.mp4", filename="V-2026-0001_broadcast.mp4", content_type="video/mp4",
                           seconds=60)
    assert url is not None and url.startswith(s3_store.server.endpoint)
    with urllib.request.urlopen(url) as response:
        assert response.headers["Content-Type"] == "video/mp4"
        assert 'filename="V-2026-0001_broadcast.mp4"' in response.headers["Content-Disposition"]
        assert response.read() == data
    # Resume: the first 100,000 bytes are there already; curl asks for the rest and appends it.
    partial = tmp_path / "download.mp4"
    partial.write_bytes(data[:100_000])
    subprocess.run(["curl", "-sS", "-f", "-C", "-", "-o", str(partial), url], check=True, timeout=60)
    assert partial.read_bytes() == data
    short = store.signed_url("clips/ab/clip.mp4", filename="c.mp4", content_type="video/mp4", seconds=1)
    assert short is not None
    time.sleep(2.1)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(short)
    assert refused.value.code == 403


def test_signed_url_is_none_on_local_disk(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    assert store.signed_url("a.mp4", filename="a.mp4", content_type="video/mp4") is None


def test_local_copy_is_fetched_once_per_host(s3_store: S3Store, tmp_path: Path) -> None:
    from newsreel.lib.filecache import stats

    data = _random_file(tmp_path / "m.mp4", 50_000)
    store.put_file("items/X-3/master.mp4", tmp_path / "m.mp4")
    before = (stats.hits, stats.misses)
    with store.local_copy("items/X-3/master.mp4", version="v1") as first:
        assert first.read_bytes() == data
    with store.local_copy("items/X-3/master.mp4", version="v1") as second:
        assert second == first
    assert (stats.hits - before[0], stats.misses - before[1]) == (1, 1)
    with pytest.raises(FileNotFoundError):
        with store.local_copy("items/none/master.mp4"):
            pass


def test_unreachable_store_is_reported_then_recovers(s3_store: S3Store) -> None:
    store.check_reachable(2.0)
    s3_store.server.stop()
    try:
        started = time.monotonic()
        with pytest.raises(store.StoreUnreachable, match="object store"):
            store.check_reachable(1.0)
        assert time.monotonic() - started < 10
    finally:
        s3_store.server.start()
    store.check_reachable(2.0)

