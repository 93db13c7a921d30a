"""Running the real `db_worker` in its own process against the test database (for kill-and-retry tests)."""

from __future__ import annotations

import os
import sys

from django.db import connection

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "media", "mail"]}}


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
