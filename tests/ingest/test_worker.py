"""Real database workers, in their own processes, killed or stalled half-way through a job: another worker
takes the job over once its lease runs out, and the job completes exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from newsreel.catalogue.models import Item, Kind, Role
from newsreel.ingest.models import IngestJob, JobStatus
from newsreel.ingest.services import ingest_file
from newsreel.media.renditions import sha256_of
from tests.factories import make_item
from tests.workers import DB_TASKS, worker_command, worker_env

LEASE = 2  # seconds; production uses a minute


def _env(settings) -> dict[str, str]:
    return worker_env(NEWSREEL_MEDIA_ROOT=str(settings.MEDIA_ROOT), NEWSREEL_WORKER_NICE="0",
                      NEWSREEL_JOB_LEASE=str(LEASE))


def _batch_worker(settings) -> subprocess.Popen[bytes]:
    return subprocess.Popen(worker_command("media"), env=_env(settings), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def _standing_worker(settings, log: Path) -> subprocess.Popen[bytes]:
    """A worker that keeps polling, as in production (it must notice the expired lease by itself)."""
    command = [sys.executable, "-m", "newsreel.cli", "db_worker", "--queue-name", "media", "--no-startup-delay",
               "--interval", "0.2"]
    return subprocess.Popen(command, env=_env(settings), stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def _wait_until_busy(job: IngestJob, worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == JobStatus.RUNNING and job.progress > 0.05:
            return
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        time.sleep(0.1)
    worker.kill()
    pytest.fail("the worker never reported progress")


def _wait_until_done(job: IngestJob, worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return
        assert worker.poll() is None, log.read_text()
        time.sleep(0.2)
    pytest.fail(f"the job was never taken over: {log.read_text()}")


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)  # graceful: db_worker finishes its task, then exits
    worker.wait(timeout=60)


def _assert_exactly_one_complete_set(item: Item, settings) -> list[tuple[str, str, str]]:
    recorded = sorted(item.renditions.exclude(role=Role.MASTER).values_list("role", "file", "sha256"))
    assert len({f for _, f, _ in recorded}) == len(recorded)
    assert item.renditions.filter(role=Role.WEB).count() == 1
    root = Path(settings.MEDIA_ROOT)
    derived = root / "items" / item.reference / "derived"
    # Nothing else in the folder: no file of the dead attempt, no staging folder left behind.
    assert sorted(p.name for p in derived.iterdir()) == sorted(Path(f).name for _, f, _ in recorded)
    for _, file, sha in recorded:
        assert sha256_of(root / file) == sha, file
    assert IngestJob.objects.filter(item=item, status=JobStatus.DONE).count() == 1
    return recorded


@pytest.mark.django_db(transaction=True)
def test_killed_worker_job_is_taken_over_by_another_and_completes_once(settings, longer_video, tmp_path):
    settings.TASKS = DB_TASKS
    item = make_item(kind=Kind.VIDEO)
    job = ingest_file(item=item, source=longer_video)

    first = _batch_worker(settings)
    _wait_until_busy(job, first)
    renderers = _children(first.pid)
    assert renderers, "the media work runs in a child of the worker"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in renderers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in renderers), "the renderer outlived its worker"

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.progress < 1.0
    assert list(item.renditions.values_list("role", flat=True)) == [Role.MASTER]
    dead_task = job.task_id

    # Started while the dead worker's lease still runs: nobody retries by hand.
    log = tmp_path / "second.log"
    second = _standing_worker(settings, log)
    try:
        _wait_until_done(job, second, log)
    finally:
        _stop(second)
    assert job.status == JobStatus.DONE, job.message
    assert job.attempts == 2
    _assert_exactly_one_complete_set(item, settings)
    # The dead worker's task no longer says it is running; the new one succeeded.
    closed = DBTaskResult.objects.get(id=dead_task)
    assert (closed.status, closed.exception_class_path) == ("FAILED", "newsreel.ingest.services.LeaseExpired")
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_stalled_worker_loses_its_job_and_records_nothing_when_it_wakes(settings, longer_video, tmp_path):
    settings.TASKS = DB_TASKS
    item = make_item(kind=Kind.VIDEO)
    job = ingest_file(item=item, source=longer_video)

    stalled = _batch_worker(settings)
    _wait_until_busy(job, stalled)
    os.kill(stalled.pid, signal.SIGSTOP)  # no heartbeat: the lease runs out; its renderer goes on
    try:
        log = tmp_path / "second.log"
        second = _standing_worker(settings, log)
        try:
            _wait_until_done(job, second, log)
        finally:
            _stop(second)
        assert job.status == JobStatus.DONE, job.message
        before = _assert_exactly_one_complete_set(item, settings)
    except BaseException:
        stalled.kill()  # a failed test leaves no worker behind
        raise
    finally:
        os.kill(stalled.pid, signal.SIGCONT)
    output, _ = stalled.communicate(timeout=120)
    assert stalled.returncode == 0, output.decode()
    assert "lease lost to another worker; this attempt's work is discarded" in output.decode()

    job.refresh_from_db()
    assert (job.status, job.message, job.attempts) == (JobStatus.DONE, "", 2)
    assert _assert_exactly_one_complete_set(item, settings) == before
