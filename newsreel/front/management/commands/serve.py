"""Run the portal: gunicorn for the web and the Django Tasks database workers, stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newsreel.queues import WORKER_GROUPS, WorkerGroup


def worker_commands(python: str, task_workers: int) -> list[tuple[list[str], WorkerGroup]]:
    """One worker per queue group (mail and clips never wait behind media), `task_workers` of the media one."""
    commands = []
    for group in WORKER_GROUPS:
        for _ in range(task_workers if group.niced else 1):
            commands.append(([python, "-m", "newsreel.cli", "db_worker", "--queue-name", group.queue_arg,
                              "--interval", "1"], group))
    return commands


# What must happen at a time rather than on a request: embargoes ending (alerts, webhooks), retries due.
# Production runs them from systemd timers (deploy/); `serve` runs them in a loop, so `make run` does too.
TICKS = ["newsletter_tick", "webhooks_tick"]


def tick_commands(python: str) -> list[list[str]]:
    return [[python, "-m", "newsreel.cli", tick, "--loop", "60"] for tick in TICKS]


class Command(BaseCommand):
    help = "Serve the portal with gunicorn and run the background worker alongside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--task-workers", type=int, default=1,
                            help="Media processing workers; mail and clips always get a worker of their own.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background workers and ticks.")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="Serve the static files collected before (collectstatic is run first otherwise).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"] and not settings.DEBUG:
            # WhiteNoise serves the collected, hashed and compressed files: stale ones would be cached for a year.
            call_command("collectstatic", interactive=False, verbosity=0)
        python = sys.executable
        children: list[subprocess.Popen[bytes]] = []
        web = [python, "-m", "gunicorn", "newsreel.wsgi:application",
               "--bind", f"{options['host']}:{options['port']}",
               "--workers", str(options["web_workers"]), "--threads", str(options["threads"]),
               # Each worker holds at most twice its threads in connections, the rest stay in the listen queue
               # for an idle worker: with gunicorn's default (1000) one worker accepted every keep-alive client
               # and served them on one core while the other idled (docs/performance.md).
               "--worker-connections", str(2 * options["threads"]),
               "--timeout", "120", "--access-logfile", "-"]
        children.append(subprocess.Popen(web))
        if not options["no_worker"]:
            nice = settings.NEWSREEL_WORKER_NICE
            for worker, group in worker_commands(python, options["task_workers"]):
                lower = (lambda: os.nice(nice)) if group.niced and nice else None
                children.append(subprocess.Popen(worker, preexec_fn=lower))
            children += [subprocess.Popen(tick) for tick in tick_commands(python)]
        self.stdout.write(f"Newsreel is running on http://{options['host']}:{options['port']}/ (Ctrl-C to stop)")
        run_until_one_stops(children)


def run_until_one_stops(children: list[subprocess.Popen[bytes]]) -> None:
    """Wait while every child runs; on SIGTERM, Ctrl-C or a child's exit, stop them all (killed after 20 s)."""

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
