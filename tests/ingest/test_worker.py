"""The real database worker, in its own process, killed half-way through a job."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from newsreel.catalogue.models import Kind, Role
from newsreel.ingest.models import IngestJob, JobStatus
from newsreel.ingest.services import ingest_file, queue_job
from tests.factories import make_item
from tests.workers import DB_TASKS, worker_command, worker_env


def _worker(settings) -> subprocess.Popen[bytes]:
    env = worker_env(NEWSREEL_MEDIA_ROOT=str(settings.MEDIA_ROOT), NEWSREEL_WORKER_NICE="0")
    return subprocess.Popen(worker_command("media"), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def longer_video(media_cache: Path) -> Path:
    from newsreel.media.testpattern import PatternSpec, generate_video

    path = media_cache / "longer-640.mp4"
    if not path.exists():
        generate_video(path, PatternSpec(width=640, height=360, seconds=20, gop=25, preset="ultrafast"))
    return path


@pytest.mark.django_db(transaction=True)
def test_job_killed_midway_and_retried_leaves_exactly_one_complete_set(settings, longer_video):
    settings.TASKS = DB_TASKS
    item = make_item(kind=Kind.VIDEO)
    job = ingest_file(item=item, source=longer_video)

    worker = _worker(settings)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == JobStatus.RUNNING and job.progress > 0.05:
            break
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        time.sleep(0.1)
    else:
        worker.kill()
        pytest.fail("the worker never reported progress")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.progress < 1.0
    assert list(item.renditions.values_list("role", flat=True)) == [Role.MASTER]

    retry = queue_job(item=item)
    worker = _worker(settings)
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output.decode()
    retry.refresh_from_db()
    assert retry.status == JobStatus.DONE, retry.message

    recorded = list(item.renditions.exclude(role=Role.MASTER).values_list("file", flat=True))
    assert len(recorded) == len(set(recorded))
    assert item.renditions.filter(role=Role.WEB).count() == 1
    derived = Path(settings.MEDIA_ROOT) / "items" / item.reference / "derived"
    assert sorted(p.name for p in derived.iterdir()) == sorted(Path(f).name for f in recorded)
    assert IngestJob.objects.filter(item=item, status=JobStatus.DONE).count() == 1
