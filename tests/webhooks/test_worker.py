"""The production path end to end: a publication queues a scan in the database, a real `db_worker` process
makes and posts the delivery, the receiver answers 500, the retry is queued with run_after and delivered."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from newsreel.webhooks.models import Attempt, Delivery, DeliveryStatus
from tests.factories import make_item
from tests.webhooks.conftest import endpoint_for
from tests.workers import DB_TASKS, worker_env


@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_a_publication_and_its_retry(member, receiver, settings):
    settings.TASKS = DB_TASKS
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = endpoint_for(member, receiver.url)
    receiver.secret = endpoint.secret
    receiver.answers = [500]
    item = make_item(title_en="Published for the worker")  # commits: the scan task is now in the database
    assert not receiver.received  # nothing is sent from the web process

    env = worker_env(NEWSREEL_WEBHOOKS_ALLOW_PRIVATE="1", NEWSREEL_WEBHOOKS_RETRY_BASE="1",
                     NEWSREEL_LOG_LEVEL="WARNING")
    worker = subprocess.Popen([sys.executable, "-m", "newsreel.cli", "db_worker", "--queue-name", "default",
                               "--interval", "0.2", "--no-startup-delay"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not Delivery.objects.filter(status=DeliveryStatus.DELIVERED).exists():
            assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
            assert time.monotonic() < deadline, "the worker delivered nothing"
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert [r.verified for r in receiver.received] == [True, True]
    assert {r.json()["data"]["code"] for r in receiver.received} == {item.reference}
    assert len({r.headers["Newsreel-Delivery"] for r in receiver.received}) == 1
    assert list(Attempt.objects.order_by("started_at").values_list("status_code", flat=True)) == [500, 200]
