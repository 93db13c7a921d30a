from __future__ import annotations

from django_tasks import task

from newsreel.ingest.services import run_job


@task(queue_name="media")
def process_master(job_id: int) -> None:
    """Turn a job's master into renditions (see services.run_job)."""
    run_job(job_id=job_id)
