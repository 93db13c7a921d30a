"""django-tasks-db's worker, plus the take-over of media jobs whose worker died.

This command shadows django_tasks_db's `db_worker` (newsreel.ingest comes first in INSTALLED_APPS), so every
way a worker is started (`newsreel serve`, the systemd units, the tests) gets it. A worker that serves the
media queue sweeps for expired leases when it starts and then every half lease, in a thread of its own: the
task loop may be busy with a long job, and a job whose worker died must not wait for it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django_tasks_db.management.commands import db_worker

from newsreel.ingest.services import recover_expired_jobs
from newsreel.queues import MEDIA

log = logging.getLogger(__name__)


def _sweep() -> None:
    try:
        recover_expired_jobs()
    except DatabaseError:  # a locked SQLite database, a lost connection: the next sweep tries again
        log.warning("sweep for expired ingest leases failed; trying again later", exc_info=True)


class LeaseKeepingWorker(db_worker.Worker):
    def run(self) -> None:
        if self.process_all_queues or MEDIA in self.queue_names:
            _sweep()  # first, so that a --batch worker finds the jobs a dead worker left
            threading.Thread(target=self._sweep_forever, name="lease-sweep", daemon=True).start()
        super().run()

    def _sweep_forever(self) -> None:
        stop = threading.Event()
        while self.running and not stop.wait(max(0.5, settings.NEWSREEL_JOB_LEASE / 2)):
            close_old_connections()
            _sweep()
        connection.close()


class Command(db_worker.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        original = db_worker.Worker
        db_worker.Worker = LeaseKeepingWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
