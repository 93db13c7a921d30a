"""`newsreel serve` runs mail and clips on workers that media processing cannot occupy."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

from newsreel.downloads.tasks import render_clip_task
from newsreel.front.management.commands.serve import tick_commands, worker_commands
from newsreel.newsletter.models import Topic
from newsreel.newsletter.subscriptions import subscription_request
from newsreel.queues import CLIPS, MAIL, MEDIA
from tests.workers import DB_TASKS, occupy_media_worker, worker_env


def test_serve_workers_cover_every_queue_and_keep_media_apart():
    groups = [group for _command, group in worker_commands(sys.executable, 2)]
    served = {queue for group in groups for queue in group.queues}
    assert served == set(settings.TASKS["default"]["QUEUES"])
    for group in groups:
        assert MEDIA not in group.queues or group.queues == (MEDIA,)
        assert group.niced == (MEDIA in group.queues)
    assert sum(group.queues == (MEDIA,) for group in groups) == 2  # --task-workers scales media only
    assert sum(MAIL in group.queues for group in groups) == sum(CLIPS in group.queues for group in groups) == 1
    assert render_clip_task.queue_name == CLIPS  # a user waits for it on a status page


@pytest.mark.django_db(transaction=True)
def test_serve_runs_the_ticks_and_each_is_a_real_command():
    from django.core.management import get_commands

    commands = tick_commands(sys.executable)
    assert {command[3] for command in commands} == {"newsletter_tick", "webhooks_tick"} <= set(get_commands())
    for command in commands:
        assert command[-2:] == ["--loop", "60"]
        once = subprocess.run(command[:-2], env=worker_env(NEWSREEL_LOG_LEVEL="WARNING"), capture_output=True,
                              text=True, timeout=120)
        assert once.returncode == 0, once.stderr


@pytest.mark.django_db(transaction=True)
def test_confirmation_mail_is_sent_while_a_long_media_job_runs(smtp, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    long_job = occupy_media_worker.enqueue(60)
    env = worker_env(NEWSREEL_EMAIL_URL=f"smtp://{smtp.host}:{smtp.port}", NEWSREEL_LOG_LEVEL="WARNING")
    workers = [subprocess.Popen([*command, "--no-startup-delay"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
               for command, _group in worker_commands(sys.executable, 1)]
    try:
        deadline = time.monotonic() + 60
        while DBTaskResult.objects.get(pk=long_job.id).status != "RUNNING":
            assert time.monotonic() < deadline, "the media worker never took the long job"
            time.sleep(0.2)
        subscription_request(email="reader@example.org", language="en",
                             topics=Topic.objects.filter(active=True), user=None)
        started = time.monotonic()
        smtp.wait_for("reader@example.org", timeout=30)
        assert time.monotonic() - started < 30
        assert DBTaskResult.objects.get(pk=long_job.id).status == "RUNNING"  # it did not wait for the job
    finally:
        for worker in workers:
            worker.kill()
            worker.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _connections_per_process(port: int) -> dict[int, int]:
    """Established connections to `port`, counted by the process holding the server's end (ss, as root)."""
    listing = subprocess.run(["ss", "-Htnp", "state", "established", f"( sport = :{port} )"], check=True,
                             capture_output=True, text=True).stdout
    counts: dict[int, int] = {}
    for pid in re.findall(r"pid=(\d+)", listing):
        counts[int(pid)] = counts.get(int(pid), 0) + 1
    return counts


@pytest.mark.django_db(transaction=True)
def test_serve_spreads_keep_alive_clients_over_its_web_workers(tmp_path):
    """gunicorn's default let one worker accept every keep-alive client while the other idled."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "newsreel.cli", "serve", "--no-worker", "--no-collectstatic", "--port", str(port),
         "--web-workers", "2", "--threads", "2"],
        env=worker_env(NEWSREEL_LOG_LEVEL="WARNING"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    clients: list[http.client.HTTPConnection] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the portal did not start"
                time.sleep(0.3)
        time.sleep(1)  # both workers booted
        for _ in range(16):  # twice what two workers of two threads may hold, 2 x (2 x 2)
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            client.request("GET", "/robots.txt")
            assert client.getresponse().read()
            clients.append(client)
        counts = _connections_per_process(port)
        assert len(counts) == 2 and max(counts.values()) <= 4, counts  # both serve, neither holds them all
    finally:
        for client in clients:
            client.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
