"""Jobs for tests/media/test_isolated.py, importable by the child process (`module:function`)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from newsreel.media.safeio import DamagedMedia


def hold_memory(*, report: Any, megabytes: int) -> int:
    block = b"x" * (megabytes << 20)  # written, so resident
    report("progress", 1.0)
    return len(block)


def refuse(*, report: Any) -> None:
    raise DamagedMedia("tape.mxf: the file is incomplete")


def fail(*, report: Any) -> None:
    {}["missing"]  # an unexpected error, as a bug would raise


def die(*, report: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def sleep_reporting(*, report: Any, seconds: float) -> None:
    report("pid", os.getpid())
    time.sleep(seconds)
