"""A bounded folder of local copies of stored files, for the work that needs a real file (decoders, the clip
engine, speech recognition) on a host that shares no disk with the store.

Each host (each worker, each web server that cuts short clips) has its own folder; nothing in it is shared with
another host. Entries are named by a digest of (stored name, version), so a file replaced in the store under the
same name is fetched again. The folder never holds more than its limit, except for files that jobs are reading
right now, which are never removed under them:

- A user of an entry holds a shared `flock` on it for as long as it uses the path; eviction takes an exclusive
  lock without waiting, so a file in use is skipped, and removes only what it could lock. A user that finds its
  entry unlinked between opening and locking it (eviction won the race) fetches it again.
- One fetch per entry at a time: a per-entry lock file serialises fetchers, so two jobs needing the same master
  download it once; the second finds it in place.
- A fetch goes to a temporary name first, then is renamed into place: a reader never sees half a file, and a
  fetch killed half-way leaves only a temporary file, which the next eviction pass removes once it is stale.
- Before a fetch, room is made for it (least recently used first; a hit refreshes an entry's time), under one
  folder-wide lock so that concurrent evictions do not both count the same free space.

The process-wide counters (`stats`) feed the clip benchmark and the metrics.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# A temporary file older than this belongs to a fetch that died: it can go.
_STALE_TEMPORARY_SECONDS = 3600


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    bytes_fetched: int = 0
    evicted: int = 0


stats = CacheStats()


class LocalFileCache:
    def __init__(self, root: Path, limit: int) -> None:
        self.root = root
        self.limit = limit

    def _entry(self, name: str, version: str) -> Path:
        digest = hashlib.sha256(f"{name}\0{version}".encode()).hexdigest()
        # Keep the suffix: engines and probes look at it (a .mov is muxed as MOV).
        return self.root / "files" / digest[:2] / (digest + Path(name).suffix.lower()[:12])

    @contextlib.contextmanager
    def local_path(self, name: str, *, version: str, size: int | None,
                   fetch: Callable[[BinaryIO], None]) -> Iterator[Path]:
        """A path to a local copy of the stored file `name` at `version`, kept in place while the block runs.

        `fetch` writes the file's bytes into the binary file it is given; `size` (when known) lets eviction make
        room before the fetch."""
        path = self._entry(name, version)
        while True:
            handle = self._open_locked(path)
            if handle is not None:
                stats.hits += 1
                os.utime(path)  # most recently used
                break
            with self._fetch_lock(path):
                handle = self._open_locked(path)
                if handle is not None:  # another job fetched it while this one waited
                    stats.hits += 1
                    break
                self._fetch(path, size, fetch)
                stats.misses += 1
            handle = self._open_locked(path)
            if handle is not None:
                break
        try:
            yield path
        finally:
            handle.close()  # releases the shared lock

    def _open_locked(self, path: Path) -> BinaryIO | None:
        """The entry opened with a shared lock, or None if it is not (or no longer) in the folder."""
        try:
            handle = open(path, "rb")
        except FileNotFoundError:
            return None
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            linked = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            linked = False
        if not linked:  # evicted between open and lock
            handle.close()
            return None
        return handle

    @contextlib.contextmanager
    def _fetch_lock(self, path: Path) -> Iterator[None]:
        locks = self.root / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / path.name, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _fetch(self, path: Path, size: int | None, fetch: Callable[[BinaryIO], None]) -> None:
        temporary = self._reserve(size or 0, suffix=path.suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(temporary, "r+b") as out:
                fetch(out)
                out.truncate(out.tell())
            stats.bytes_fetched += temporary.stat().st_size
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    def _reserve(self, incoming: int, *, suffix: str) -> Path:
        """Make room for `incoming` bytes and claim it with a temporary file of that size (sparse), which counts
        in the total until the fetch replaces it with the entry: concurrent fetches never share the free space."""
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.root / "tmp" / f"{uuid.uuid4().hex}{suffix}"
        temporary.parent.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".evict.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._evict(incoming)
            with open(temporary, "wb") as out:
                out.truncate(incoming)
        return temporary

    def make_room(self, incoming: int = 0) -> None:
        """Remove least recently used entries not in use until `incoming` more bytes fit under the limit."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".evict.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._evict(incoming)

    def _evict(self, incoming: int) -> None:
        self._remove_stale_temporaries()
        entries = sorted(self._entries(), key=lambda e: e[1])
        total = sum(size for _path, _mtime, size in entries) + self._reserved()
        for path, _mtime, size in entries:
            if total + incoming <= self.limit:
                break
            if self._remove_if_unused(path):
                total -= size
                stats.evicted += 1

    def _reserved(self) -> int:
        folder = self.root / "tmp"
        total = 0
        if folder.is_dir():
            for path in folder.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    total += path.stat().st_size
        return total

    def total_bytes(self) -> int:
        """What the folder holds: its entries and the room claimed by fetches under way."""
        return sum(size for _path, _mtime, size in self._entries()) + self._reserved()

    def _entries(self) -> Iterator[tuple[Path, float, int]]:
        files = self.root / "files"
        if not files.is_dir():
            return
        for folder in files.iterdir():
            for path in folder.iterdir():
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                yield path, st.st_mtime, st.st_size

    @staticmethod
    def _remove_if_unused(path: Path) -> bool:
        try:
            handle = open(path, "rb")
        except FileNotFoundError:
            return True
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a job is reading it
            path.unlink(missing_ok=True)
            return True

    def _remove_stale_temporaries(self) -> None:
        folder = self.root / "tmp"
        if not folder.is_dir():
            return
        cutoff = time.time() - _STALE_TEMPORARY_SECONDS
        for path in folder.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
