"""Run the portal: gunicorn for the web and the Django Tasks database worker, stopped together."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the portal with gunicorn and run the background worker alongside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--task-workers", type=int, default=1,
                            help="Background worker processes (media processing, e-mail).")
        parser.add_argument("--no-worker", action="store_true", help="Do not start a background worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        children: list[subprocess.Popen[bytes]] = []
        web = [python, "-m", "gunicorn", "newsreel.wsgi:application",
               "--bind", f"{options['host']}:{options['port']}",
               "--workers", str(options["web_workers"]), "--threads", str(options["threads"]),
               "--timeout", "120", "--access-logfile", "-"]
        children.append(subprocess.Popen(web))
        if not options["no_worker"]:
            for _ in range(options["task_workers"]):
                worker = [python, "-m", "newsreel.cli", "db_worker", "--queue-name", "*",
                          "--interval", "1"]
                children.append(subprocess.Popen(worker))
        self.stdout.write(f"Newsreel is running on http://{options['host']}:{options['port']}/ (Ctrl-C to stop)")

        def stop(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
