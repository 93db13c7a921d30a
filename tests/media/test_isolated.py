"""Media jobs in a child process: the memory goes with the child, and the parent stops it when it must."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newsreel.media.isolated import ChildFailed, JobStopped, TimeLimitExceeded, run_isolated
from newsreel.media.safeio import DamagedMedia

T = "tests.media.isolated_targets"


def _rss() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) << 10


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def test_memory_a_job_uses_is_the_childs_and_leaves_with_it():
    before = _rss()
    size, report = run_isolated(f"{T}:hold_memory", {"megabytes": 300}, time_limit=lambda: 60)
    assert size == 300 << 20
    assert report.pid != os.getpid() and _gone(report.pid)
    assert report.peak_rss > 300 << 20  # measured by the kernel for the child
    assert _rss() - before < 100 << 20  # the parent never held it


def test_refusals_cross_with_their_class_and_reason():
    with pytest.raises(DamagedMedia, match=r"^tape\.mxf: the file is incomplete$"):
        run_isolated(f"{T}:refuse", {}, time_limit=lambda: 60)


def test_an_unexpected_error_is_named_and_its_traceback_kept_for_the_log():
    with pytest.raises(ChildFailed) as failed:
        run_isolated(f"{T}:fail", {}, time_limit=lambda: 60)
    assert failed.value.error == "KeyError"
    assert "Traceback" in failed.value.details and "isolated_targets.py" in failed.value.details


def test_a_child_that_dies_is_reported_not_waited_for():
    with pytest.raises(ChildFailed, match="ChildDied") as failed:
        run_isolated(f"{T}:die", {}, time_limit=lambda: 60)
    assert "signal 9" in failed.value.details


def test_the_time_limit_kills_the_child():
    seen: dict[str, int] = {}
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        run_isolated(f"{T}:sleep_reporting", {"seconds": 600}, time_limit=lambda: 2,
                     on_message=lambda kind, value: seen.update({kind: value}))
    assert time.monotonic() - started < 60
    assert _gone(seen["pid"])


def test_a_lost_lease_stops_the_child():
    seen: dict[str, int] = {}
    with pytest.raises(JobStopped, match="taken over"):
        run_isolated(f"{T}:sleep_reporting", {"seconds": 600}, time_limit=lambda: 600,
                     on_message=lambda kind, value: seen.update({kind: value}), keep_going=lambda: "pid" not in seen,
                     check_every=0.2)
    assert _gone(seen["pid"])
