"""The sweep that queues again the jobs whose worker stopped renewing their lease (no worker process here:
tests/ingest/test_worker.py kills real ones)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsreel.catalogue.models import Kind
from newsreel.ingest.models import IngestJob, JobStatus
from newsreel.ingest.services import recover_expired_jobs, run_job
from tests.workers import DB_TASKS

pytestmark = pytest.mark.django_db


def _job(item_factory, **fields) -> IngestJob:
    return IngestJob.objects.create(item=item_factory(kind=Kind.VIDEO), master_sha256="0" * 64, **fields)


def test_sweep_queues_each_expired_job_once_and_leaves_live_ones(item_factory, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.TASKS = DB_TASKS
    now = timezone.now()
    expired = _job(item_factory, status=JobStatus.RUNNING, claim="dead", lease_expires_at=now - dt.timedelta(seconds=1))
    live = _job(item_factory, status=JobStatus.RUNNING, claim="alive", lease_expires_at=now + dt.timedelta(seconds=30))
    # Left running by a worker from before leases existed.
    legacy = _job(item_factory, status=JobStatus.RUNNING, started_at=now - dt.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(recover_expired_jobs()) == sorted([expired.pk, legacy.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_expired_jobs() == []  # a second sweeper finds nothing left to queue

    for job in (expired, live, legacy):
        job.refresh_from_db()
    assert (expired.status, expired.claim, expired.lease_expires_at) == (JobStatus.QUEUED, "", None)
    assert (live.status, live.claim) == (JobStatus.RUNNING, "alive")
    assert legacy.status == JobStatus.QUEUED
    tasks = DBTaskResult.objects.filter(task_path="newsreel.ingest.tasks.process_master")
    assert sorted(t.args_kwargs["args"][0] for t in tasks) == sorted([expired.pk, legacy.pk])
    assert {expired.task_id, legacy.task_id} == {str(t.id) for t in tasks}


def test_a_job_held_by_a_live_lease_is_not_run_a_second_time(item_factory):
    held = _job(item_factory, status=JobStatus.RUNNING, claim="alive", attempts=1,
                lease_expires_at=timezone.now() + dt.timedelta(seconds=30))
    job = run_job(job_id=held.pk)  # a duplicate delivery of the task
    assert (job.status, job.claim, job.attempts) == (JobStatus.RUNNING, "alive", 1)
