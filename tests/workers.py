"""Running the real `db_worker` in its own process against the test database (for kill-and-retry tests)."""

from __future__ import annotations

import os
import sys
import time

from django.db import connection
from django_tasks import task

from newsreel.queues import QUEUES

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}


def database_url() -> str:
    """The URL of the database this test runs on, for a worker process to use."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s.get('PASSWORD') or ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url(), **extra}


def worker_command(queue: str, *more: str) -> list[str]:
    return [sys.executable, "-m", "newsreel.cli", "db_worker", "--queue-name", queue, "--batch",
            "--no-startup-delay", *more]


@task(queue_name="media")
def occupy_media_worker(seconds: float) -> None:
    """Stands for a long transcode (tests of queue separation)."""
    time.sleep(seconds)
