"""Decoded pictures back to the system as soon as they are freed, so that peak memory is what is in use.

glibc serves a large allocation (a 1080p picture is 3 MB) with mmap and unmaps it when freed, but after the
first such free it raises its threshold to that size, and later pictures come from per-thread heaps that keep
their freed space. A clip decodes its two edges in threads of their own, so the space one thread freed was
still counted while another allocated: peak RSS of the benchmark clip 133-147 MB, 126-128 MB with a fixed
threshold (measured; no change in speed). Elsewhere than glibc this does nothing.

It changes the allocator of the whole process, so only entry points call it, in processes that are theirs:
the `newsreel clip` command (cli.run) and the child process that cuts a clip for the portal (clip.job); never
the library, which may be running in a web server's worker.
"""

from __future__ import annotations

import ctypes

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
_LARGE = 128 * 1024  # glibc's own starting threshold, kept from then on

_done = False


def return_large_buffers() -> None:
    """Fix glibc's mmap threshold at its default (once per process)."""
    global _done
    if _done:
        return
    _done = True
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, _LARGE)
