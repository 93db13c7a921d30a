"""Running one media job in a child process of its own, under a wall-time limit.

Decoders, encoders and glibc's heaps keep the memory of the largest job a process ever ran (a 1080p
transcode leaves a worker at ~570 MB while idle). A child that exits gives all of it back, whatever the job
did; it also lets the parent stop a job stuck in C code, which no check inside the job could.

    report = run_isolated("newsreel.media.render:render_job", {...}, time_limit=..., on_message=...)

The child is `python -m newsreel.media.isolated`: it reads one pickled call on stdin, and writes pickled
messages on stdout: any number of `(kind, value)` reports from the job (progress, the declared duration),
then its result or the reason it refused. It dies with its parent (PR_SET_PDEATHSIG), so a killed worker
leaves no orphan writing files. Django-free, like the rest of the engine.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import pickle
import select
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from newsreel.media import safeio

Report = Callable[[str, Any], None]

_PR_SET_PDEATHSIG = 1


class JobStopped(Exception):
    """The parent stopped the job (its time limit passed, or `keep_going` said no)."""


class TimeLimitExceeded(JobStopped):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:.0f} s")
        self.seconds = seconds


class ChildFailed(Exception):
    """The job raised something that is not a refusal, or the child died; `details` is for the log only."""

    def __init__(self, error: str, details: str) -> None:
        super().__init__(error)
        self.error = error
        self.details = details


@dataclass(frozen=True)
class ChildReport:
    pid: int
    peak_rss: int  # bytes, the child's maximum resident set size
    seconds: float


def run_isolated(
    target: str,
    kwargs: dict[str, Any],
    *,
    time_limit: Callable[[], float],
    on_message: Report | None = None,
    keep_going: Callable[[], bool] | None = None,
    check_every: float = 5.0,
) -> tuple[Any, ChildReport]:
    """Call `target` ("module:function", called with `report=` and `kwargs`) in a child process.

    `time_limit()` is read again after every message, so a job can raise its own limit once it knows its
    declared duration. `keep_going()` is called at least every `check_every` seconds (a lease heartbeat);
    when it returns False the child is killed and `JobStopped` raised. Refusals (`UnsupportedMedia` and its
    subclasses) are raised again here with their message; anything else becomes `ChildFailed`.
    """
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "newsreel.media.isolated", str(os.getpid())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        close_fds=True,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        child.stdin.write(pickle.dumps((target, kwargs)))
        child.stdin.close()
        outcome = _follow(_Reader(child.stdout), started, time_limit=time_limit, on_message=on_message,
                          keep_going=keep_going, check_every=check_every)
    except BaseException:
        child.kill()
        raise
    finally:
        report = _reap(child, started)
    return _answer(outcome, child.returncode), report


def _follow(reader: _Reader, started: float, *, time_limit: Callable[[], float], on_message: Report | None,
            keep_going: Callable[[], bool] | None, check_every: float) -> tuple[str, Any] | None:
    """Pass on the child's reports until its answer, (kind, value); None if it ended without one."""
    last_check = started
    while True:
        limit = time_limit()
        now = time.monotonic()
        if now - started > limit:
            raise TimeLimitExceeded(limit)
        if now - last_check >= check_every:
            last_check = now
            if keep_going is not None and not keep_going():
                raise JobStopped("the job was taken over by another worker")
        wait = max(0.0, min(last_check + check_every - now, started + limit - now))
        message = reader.next(timeout=wait)
        if message is _EOF:
            return None
        if message is None:
            continue
        kind, value = message
        if kind in ("result", "refused", "failed"):
            return kind, value
        if on_message is not None:
            on_message(kind, value)


def _answer(outcome: tuple[str, Any] | None, code: Any) -> Any:
    """The job's result, or its refusal or failure raised here."""
    if outcome is None:
        how = f"signal {-code}" if code < 0 else f"exit status {code}"
        raise ChildFailed("ChildDied", f"the media process ended without an answer ({how})")
    kind, value = outcome
    if kind == "refused":
        cls_name, text = value
        cls = getattr(safeio, cls_name, None)
        if not (isinstance(cls, type) and issubclass(cls, safeio.UnsupportedMedia)):
            cls = safeio.UnsupportedMedia
        raise cls(text)
    if kind == "failed":
        raise ChildFailed(*value)
    return value


_EOF = object()


class _Reader:
    """Pickled messages from the child's stdout, each waited for at most `timeout` seconds."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.fd = stream.fileno()
        self.buffer = b""
        self.closed = False

    def next(self, timeout: float) -> Any:
        while True:
            message = self._take()
            if message is not None:
                return message
            if self.closed:
                return _EOF
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                self.closed = True
            self.buffer += chunk

    def _take(self) -> Any:
        if len(self.buffer) < 8:
            return None
        size = int.from_bytes(self.buffer[:8], "big")
        if len(self.buffer) < 8 + size:
            return None
        body, self.buffer = self.buffer[8 : 8 + size], self.buffer[8 + size :]
        return pickle.loads(body)  # noqa: S301 - our own child, started by us, speaking over a private pipe


def _reap(child: subprocess.Popen[bytes], started: float) -> ChildReport:
    """Wait for the child and read its peak memory from the kernel's accounting of it."""
    while True:
        try:
            pid, status, usage = os.wait4(child.pid, 0)
            break
        except ChildProcessError:  # already reaped elsewhere; no figures then
            return ChildReport(child.pid, 0, time.monotonic() - started)
        except InterruptedError:
            continue
    child.returncode = os.waitstatus_to_exitcode(status)
    for stream in (child.stdin, child.stdout):
        if stream is not None and not stream.closed:
            stream.close()
    return ChildReport(pid, usage.ru_maxrss * 1024, time.monotonic() - started)


# --- The child --------------------------------------------------------------------------------------------


def _send(out: BinaryIO, message: tuple[str, Any]) -> None:
    body = pickle.dumps(message)
    out.write(len(body).to_bytes(8, "big") + body)
    out.flush()


def _die_with(parent: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    prctl = getattr(libc, "prctl", None)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _child_main(parent: int) -> int:
    _die_with(parent)
    # Messages own the real stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    target, kwargs = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - written by our parent
    module_name, _, function_name = target.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    try:
        result = function(report=lambda kind, value: _send(out, (kind, value)), **kwargs)
    except safeio.UnsupportedMedia as exc:
        _send(out, ("refused", (type(exc).__name__, str(exc))))
    except Exception as exc:
        _send(out, ("failed", (type(exc).__name__, traceback.format_exc())))
    else:
        _send(out, ("result", result))
    out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(_child_main(int(sys.argv[1])))
