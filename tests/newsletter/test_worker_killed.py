"""A real `db_worker` sending a 2,000-subscriber issue, killed half-way: nobody gets the issue twice."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter

import pytest

from newsreel.newsletter.models import Delivery, DeliveryStatus, IssueStatus
from newsreel.newsletter.sending import issue_send, recover_stale_claims, uncertain_resolve
from tests.newsletter.conftest import make_issue, make_subscribers
from tests.workers import DB_TASKS, worker_command, worker_env

TOTAL = 2000


def _worker(smtp, *, rate: int) -> subprocess.Popen[bytes]:
    env = worker_env(NEWSREEL_EMAIL_URL=f"smtp://{smtp.host}:{smtp.port}", NEWSREEL_NEWSLETTER_BATCH_SIZE="100",
                     NEWSREEL_NEWSLETTER_MAX_PER_SECOND=str(rate), NEWSREEL_LOG_LEVEL="WARNING")
    return subprocess.Popen(worker_command("mail", "--interval", "0"), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def _sent(issue) -> int:
    return Delivery.objects.filter(issue=issue, status=DeliveryStatus.SENT).count()


@pytest.mark.django_db(transaction=True)
def test_worker_killed_half_way_every_subscriber_gets_the_issue_exactly_once(smtp, settings, caplog):
    caplog.set_level("WARNING")
    settings.TASKS = DB_TASKS
    settings.NEWSLETTER_BATCH_SIZE = 100
    settings.NEWSLETTER_SENDERS = 2
    make_subscribers(TOTAL)
    issue = make_issue()
    issue_send(issue=issue, by=None)  # queues two chains of batches

    worker = _worker(smtp, rate=0)
    deadline = time.monotonic() + 180
    # Kill it in the middle of a batch (one worker runs one batch at a time, 100 rows each).
    while not (_sent(issue) >= TOTAL // 2 and 20 <= _sent(issue) % 100 <= 80):
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert 0 < _sent(issue) < TOTAL, "the worker was not killed half-way"

    # The dead worker's batch is still claimed. Recovery (the tick does it after the lease) puts the one row
    # that may have been in flight aside, and hands the never-attempted rest back.
    recovered = recover_stale_claims(older_than=__import__("datetime").timedelta(0))
    assert recovered["uncertain"] == 1 and recovered["released"] < 100

    started = time.monotonic()
    worker = _worker(smtp, rate=0)
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output.decode()
    rest_took = time.monotonic() - started

    per_recipient = Counter(r.lower() for m in smtp.messages for r in m.recipients)
    assert max(per_recipient.values()) == 1, "someone got the issue twice"

    # The editor checks the relay's log (here: the test server's) for the uncertain one and resolves it.
    uncertain = Delivery.objects.select_related("subscriber").get(issue=issue, status=DeliveryStatus.UNCERTAIN)
    reached = per_recipient[uncertain.subscriber.email] == 1
    if reached:
        uncertain_resolve(issue=issue, delivered=[uncertain.subscriber_id])
    else:
        uncertain_resolve(issue=issue, resend=[uncertain.subscriber_id])
        worker = _worker(smtp, rate=0)
        worker.communicate(timeout=120)

    per_recipient = Counter(r.lower() for m in smtp.messages for r in m.recipients)
    assert len(per_recipient) == TOTAL and set(per_recipient.values()) == {1}
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert issue.figures()["sent"] == TOTAL
    remaining = TOTAL - TOTAL // 2
    print(f"\nworker after the kill: ~{remaining} messages in {rest_took:.1f}s "
          f"(~{remaining / rest_took:.0f}/s including start-up); uncertain row reached the server: {reached}")
