"""Where every file of the portal lives: Django's default storage, local disk or an S3-compatible object store.

Masters, renditions, storyboards, clips: all are stored and read through this module, by their stored name
(`items/V-2026-0001/derived/web.mp4`), never by a path. Settings alone choose the backend (NEWSREEL_STORAGE;
docs/storage.md): Django's FileSystemStorage under MEDIA_ROOT by default, or django-storages' S3Storage (boto3)
for AWS S3, Ceph RGW, MinIO, Garage...

What differs between the two is kept here, so the apps have one way of doing each thing:
- `put_file`: a local file into the store, as a rename on local disk (atomic, no copy), as a multipart upload to
  an object store (parts of NEWSREEL_S3_PART_BYTES, never the whole file in memory).
- `local_copy`: a real path to a stored file, for the engine's decoders. On local disk, the stored file itself;
  with an object store, a copy in this host's bounded cache (lib/filecache.py), fetched once.
- `read_range` / `head_bytes` / `stat`: bytes without a local copy, for serving and sniffing.
- `signed_url`: a short-lived URL that makes the object store send the file itself (its name and type fixed in
  the signature); None on local disk, where the portal (or nginx) sends it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

from newsreel.lib.filecache import LocalFileCache

CHUNK = 256 * 1024


class StoreUnreachable(Exception):
    """The store did not answer in time, or answered with an error; the message says which, without secrets."""


def storage() -> Storage:
    return storages["default"]


def is_local() -> bool:
    """True when stored files are files on this host's disk (FileSystemStorage)."""
    return isinstance(storage(), FileSystemStorage)


def _local_path(name: str) -> Path:
    return Path(storage().path(name))


class _Moved(File):
    """A file FileSystemStorage moves into place (os.rename) instead of copying: what it does for an upload
    Django spooled to disk."""

    def __init__(self, path: Path) -> None:
        super().__init__(None, name=path.name)
        self._source = path

    def temporary_file_path(self) -> str:
        return str(self._source)

    @property
    def size(self) -> int:
        return self._source.stat().st_size


def put_file(name: str, source: Path, *, move: bool = False) -> None:
    """Store the local file `source` under `name`, replacing what was there. `move` lets the store take the
    file itself (local disk: a rename) instead of a copy; with an object store the source is left as it is."""
    store = storage()
    if isinstance(store, FileSystemStorage):
        target = _local_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not move:
            # A copy beside the target first, so the file appears whole, by a rename, or not at all.
            fd, spare = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
            os.close(fd)
            shutil.copyfile(source, spare)
            source = Path(spare)
        try:
            store.save(name, _Moved(source))
        finally:
            if not move:
                source.unlink(missing_ok=True)
        return
    with open(source, "rb") as fh:
        store.save(name, File(fh, name=source.name))


def delete(name: str) -> None:
    """Remove a stored file; a name that is already gone is no error."""
    if name:
        storage().delete(name)


def exists(name: str) -> bool:
    return bool(name) and storage().exists(name)


@dataclass(frozen=True)
class Stat:
    size: int
    modified: datetime


def stat(name: str) -> Stat | None:
    """Size and time of a stored file, or None when it is not in the store."""
    store = storage()
    try:
        return Stat(size=store.size(name), modified=store.get_modified_time(name))
    except (FileNotFoundError, OSError):
        return None
    except Exception as exc:  # botocore's ClientError for a missing key
        if _missing(exc):
            return None
        raise


def _missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    code = (response or {}).get("Error", {}).get("Code", "") if isinstance(response, dict) else ""
    return str(code) in {"404", "NoSuchKey", "NotFound"}


def read_range(name: str, start: int, length: int, *, chunk: int = CHUNK) -> Iterator[bytes]:
    """`length` bytes of a stored file from `start`, streamed in chunks: one ranged GET to an object store."""
    if length <= 0:
        return
    store = storage()
    if isinstance(store, FileSystemStorage):
        with open(_local_path(name), "rb") as fh:
            fh.seek(start)
            remaining = length
            while remaining > 0:
                block = fh.read(min(chunk, remaining))
                if not block:
                    return
                remaining -= len(block)
                yield block
        return
    remote: Any = store  # S3Storage
    body = _s3_client(remote).get_object(Bucket=remote.bucket_name, Key=_s3_key(remote, name),
                                        Range=f"bytes={start}-{start + length - 1}")["Body"]
    try:
        yield from body.iter_chunks(chunk)
    finally:
        body.close()


def head_bytes(name: str, count: int) -> bytes:
    """The first `count` bytes of a stored file (for sniffing its type), or fewer if it is shorter."""
    return b"".join(read_range(name, 0, count))


@contextlib.contextmanager
def local_copy(name: str, *, version: str = "") -> Iterator[Path]:
    """A real path to the stored file `name` for the duration of the block. `version` (its SHA-256) tells copies
    of a file replaced under the same name apart in the cache."""
    store = storage()
    if isinstance(store, FileSystemStorage):
        path = _local_path(name)
        if not path.is_file():
            raise FileNotFoundError(name)
        yield path
        return
    info = stat(name)
    if info is None:
        raise FileNotFoundError(name)
    remote: Any = store  # S3Storage

    def fetch(out: BinaryIO) -> None:
        _s3_client(remote).download_fileobj(remote.bucket_name, _s3_key(remote, name), out,
                                            Config=remote.transfer_config)

    with file_cache().local_path(name, version=version or f"{info.size}-{info.modified.isoformat()}",
                                 size=info.size, fetch=fetch) as path:
        yield path


_caches: dict[tuple[str, int], LocalFileCache] = {}
_caches_lock = threading.Lock()


def file_cache() -> LocalFileCache:
    """This host's cache of stored files (NEWSREEL_LOCAL_CACHE_DIR, NEWSREEL_LOCAL_CACHE_BYTES)."""
    key = (str(settings.NEWSREEL_LOCAL_CACHE_DIR), int(settings.NEWSREEL_LOCAL_CACHE_BYTES))
    with _caches_lock:
        if key not in _caches:
            _caches[key] = LocalFileCache(Path(key[0]), key[1])
        return _caches[key]


def signed_url(name: str, *, filename: str, content_type: str, attachment: bool = True,
               seconds: int | None = None) -> str | None:
    """A URL the object store answers itself for `seconds` (NEWSREEL_SIGNED_URL_SECONDS), sending the file under
    `filename` with `content_type` (both fixed by the signature, whatever the stored object says); Range and
    resume are the store's. None when the files are on local disk."""
    from newsreel.lib.http import content_disposition

    store = storage()
    if isinstance(store, FileSystemStorage):
        return None
    params = {"ResponseContentType": content_type,
              "ResponseContentDisposition": content_disposition(filename, attachment),
              "ResponseCacheControl": "private, max-age=0"}
    remote: Any = store  # S3Storage
    return str(remote.url(name, parameters=params, expire=seconds or settings.NEWSREEL_SIGNED_URL_SECONDS))


def check_reachable(timeout: float) -> None:
    """Raise StoreUnreachable unless the store answers within `timeout` seconds (readiness checks)."""
    store = storage()
    if isinstance(store, FileSystemStorage):
        root = Path(store.location)
        if not (root.is_dir() and os.access(root, os.W_OK)):
            raise StoreUnreachable(f"media folder missing or not writable: {root}")
        return
    import botocore.config
    import botocore.exceptions

    remote: Any = store  # S3Storage
    session_client = _s3_client(remote, config=botocore.config.Config(
        connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1}))
    try:
        session_client.head_bucket(Bucket=remote.bucket_name)
    except botocore.exceptions.BotoCoreError as exc:
        raise StoreUnreachable(f"object store unreachable: {type(exc).__name__}") from exc
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        raise StoreUnreachable(f"object store refused the bucket check: {code}") from exc


def _s3_client(store: Any, *, config: Any = None) -> Any:
    if config is None:
        return store.connection.meta.client
    # A separate client: the shared one's timeouts and retries are for transfers, not for a quick check.
    return store._create_session().client(  # django-storages' own way to a session
        "s3", region_name=store.region_name, use_ssl=store.use_ssl, endpoint_url=store.endpoint_url,
        config=store.client_config.merge(config), verify=store.verify)


def _s3_key(store: Any, name: str) -> str:
    from storages.utils import clean_name

    return str(store._normalize_name(clean_name(name)))  # the key S3Storage itself uses
