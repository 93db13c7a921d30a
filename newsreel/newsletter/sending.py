"""Sending an issue: one delivery row per (issue, subscriber), claimed in batches, one SMTP connection each.

Never twice. A batch claims its rows (status CLAIMED, a claim token) in one transaction, then sends them in
id order, recording each one as sent, deferred or failed right after the SMTP server answers. So if a worker
dies, at most one message of its batch is in doubt: the first still-claimed row (it may have reached the
server just before the worker died, with the answer never recorded). `recover_stale_claims` puts that row in
UNCERTAIN, which is never sent automatically, and hands the rest of the batch back as pending, since they
were never handed to SMTP. That is at-most-once for the row in doubt: a subscriber may miss one issue, but
never gets it twice. An editor who can check the relay's log may resolve it either way (`uncertain_resolve`),
knowing the message carries a stable Message-ID.

Temporary SMTP failures (4xx, a connection lost before the message data was sent) are retried with doubling
delays; a connection lost after the data was sent, before the server answered, is UNCERTAIN for the same
reason as above. Permanent failures (5xx) are recorded, and an address refused permanently several issues in
a row is suspended.
"""

from __future__ import annotations

import logging
import math
import smtplib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from newsreel.catalogue.models import Item
from newsreel.news.models import Article
from newsreel.newsletter.mail import Rendered, issue_message, message_with_links, render_issue, subscriber_links
from newsreel.newsletter.models import (
    Delivery,
    DeliveryStatus,
    Issue,
    IssueStatus,
    Subscriber,
    SubscriberStatus,
)

log = logging.getLogger(__name__)

OPEN = [DeliveryStatus.PENDING, DeliveryStatus.DEFERRED]
CHUNK = 500
LEASE_RENEWAL_EVERY = 20  # messages


class IssueStateError(Exception):
    """The issue is not in a state that allows this (e.g. sending it again)."""


# --- Editors' actions -----------------------------------------------------------------------------------

def issue_schedule(*, issue: Issue, send_at: datetime, by: AbstractBaseUser | None) -> Issue:
    """Send by itself at `send_at`: a deferred task where the backend supports it, and the periodic tick."""
    updated = Issue.objects.filter(pk=issue.pk, status__in=[IssueStatus.DRAFT, IssueStatus.SCHEDULED]).update(
        status=IssueStatus.SCHEDULED, send_at=send_at)
    if not updated:
        raise IssueStateError(_("Only a draft or scheduled issue can be scheduled."))
    issue.refresh_from_db()
    from newsreel.newsletter.tasks import start_scheduled_issue

    if start_scheduled_issue.get_backend().supports_defer:
        transaction.on_commit(lambda: start_scheduled_issue.using(run_after=send_at).enqueue(issue.pk))
    return issue


def issue_unschedule(*, issue: Issue) -> None:
    Issue.objects.filter(pk=issue.pk, status=IssueStatus.SCHEDULED).update(status=IssueStatus.DRAFT)


def issue_send(*, issue: Issue, by: AbstractBaseUser | None) -> Issue:
    """Start sending now: fill the contents if asked, create every delivery row, queue the batches."""
    with transaction.atomic():
        started = Issue.objects.filter(pk=issue.pk, status__in=[IssueStatus.DRAFT, IssueStatus.SCHEDULED]).update(
            status=IssueStatus.SENDING, started_at=timezone.now())
        if not started:
            raise IssueStateError(_("This issue has already been sent or is being sent."))
        issue.refresh_from_db()
        if issue.fill_since_last:
            _fill_since_last(issue)
        _create_deliveries(issue)
        total = issue.deliveries.count()
        transaction.on_commit(lambda: _queue_batches(issue.pk, total))
    if not total:
        _finish_if_done(issue.pk)
    return issue


def issue_send_test(*, issue: Issue, to: str) -> None:
    """The issue in each language to one address (an editor's own); no delivery rows, links are examples."""
    extra = upcoming_contents(issue)
    connection = get_connection()
    messages = []
    for lang in ("en", "fr"):
        rendered = render_issue(issue, lang, extra=extra)
        sample = Subscriber(pk=0, email=to, language=lang, key="test")
        manage_url, unsubscribe_url = subscriber_links(sample)
        test = Rendered(f"[{_('Test')}] {rendered.subject}", rendered.text, rendered.html)
        messages.append(message_with_links(test, to=to, manage_url=manage_url, unsubscribe_url=unsubscribe_url,
                                           connection=connection))
    connection.send_messages(messages)


def upcoming_contents(issue: Issue) -> tuple[list[Article], list[Item]] | None:
    """What sending now would add to a draft set to "everything since the last issue" (None otherwise)."""
    if issue.fill_since_last and issue.status in (IssueStatus.DRAFT, IssueStatus.SCHEDULED):
        return since_last_contents(issue)
    return None


def since_last_contents(issue: Issue) -> tuple[list[Article], list[Item]]:
    """What became visible between the previous issue's sending and now."""
    last = (Issue.objects.exclude(pk=issue.pk).filter(status__in=[IssueStatus.SENT, IssueStatus.SENDING])
            .aggregate(at=Max("started_at"))["at"])
    now = timezone.now()
    articles = Article.objects.visible(now)
    items = Item.objects.visible(now)
    if last is not None:
        articles = articles.filter(publish_at__gt=last)
        items = items.filter(publish_at__gt=last)
    limit = 50  # an issue is a digest, not an archive
    return list(articles.order_by("-publish_at")[:limit]), list(items.order_by("-publish_at")[:limit])


def _fill_since_last(issue: Issue) -> None:
    articles, items = since_last_contents(issue)
    issue.articles.add(*articles)
    issue.items.add(*items)


def _recipients(issue: Issue) -> QuerySet[Subscriber]:
    subscribers = Subscriber.objects.filter(status=SubscriberStatus.ACTIVE)
    topic_ids = list(issue.topics.values_list("pk", flat=True))
    if topic_ids:
        subscribers = subscribers.filter(topics__in=topic_ids).distinct()
    return subscribers


def _create_deliveries(issue: Issue) -> None:
    ids = list(_recipients(issue).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        Delivery.objects.bulk_create([Delivery(issue=issue, subscriber_id=pk) for pk in ids[start:start + CHUNK]],
                                     ignore_conflicts=True)


def _queue_batches(issue_id: int, total: int, run_after: datetime | None = None) -> None:
    from newsreel.newsletter.tasks import send_batch

    chains = max(1, min(settings.NEWSLETTER_SENDERS, math.ceil(total / settings.NEWSLETTER_BATCH_SIZE)))
    task = send_batch
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the periodic tick picks it up when due
        task = task.using(run_after=run_after)
    for _i in range(chains):
        task.enqueue(issue_id)


def start_due_issues(now: datetime | None = None, only: list[int] | None = None) -> list[int]:
    now = now or timezone.now()
    started = []
    due = Issue.objects.filter(status=IssueStatus.SCHEDULED, send_at__lte=now)
    if only is not None:
        due = due.filter(pk__in=only)
    for issue in due:
        try:
            issue_send(issue=issue, by=None)
            started.append(issue.pk)
        except IssueStateError:
            pass  # another tick or the deferred task got there first
    return started


# --- The worker's side ----------------------------------------------------------------------------------

@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    skipped: int = 0


def claim_batch(issue_id: int, size: int) -> tuple[str, list[Delivery]]:
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        # skip_locked lets parallel senders on PostgreSQL take disjoint batches; SQLite serialises writers.
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(issue_id=issue_id, status__in=OPEN)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk").values_list("pk", flat=True)[:size]
        )
        Delivery.objects.filter(pk__in=ids, status__in=OPEN).update(
            status=DeliveryStatus.CLAIMED, claim=token, claimed_at=now, attempts=F("attempts") + 1)
    rows = list(Delivery.objects.filter(claim=token, status=DeliveryStatus.CLAIMED)
                .select_related("subscriber").order_by("pk"))
    return token, rows


class _Pacer:
    """At most `rate` messages a second from this batch (0: no limit)."""

    def __init__(self, rate: int) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if now < self.next_at:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


class _DataWatch:
    """Tells whether the current message got as far as the DATA command: then a broken connection leaves
    its fate unknown, while a failure before it means the server cannot have accepted the message."""

    def __init__(self, smtp: smtplib.SMTP | None) -> None:
        self.started = False
        if smtp is None:
            return
        original = smtp.data

        def data(msg: Any) -> Any:
            self.started = True
            return original(msg)

        smtp.data = data  # type: ignore[method-assign]


def _smtp_code(exc: BaseException, address: str) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        for recipient, (code, _msg) in exc.recipients.items():
            if recipient.lower() == address.lower():
                return int(code)
        return None
    if isinstance(exc, smtplib.SMTPResponseException):
        return int(exc.smtp_code)
    return None


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_RETRY_BASE * 2 ** max(0, attempts - 1))


def send_batch(*, issue_id: int) -> BatchResult:
    """Claim and send one batch over one SMTP connection. Safe to run in parallel and to repeat."""
    result = BatchResult()
    issue = Issue.objects.filter(pk=issue_id, status=IssueStatus.SENDING).first()
    if issue is None:
        return result
    _token, rows = claim_batch(issue_id, settings.NEWSLETTER_BATCH_SIZE)
    result.claimed = len(rows)
    if rows:
        _send_rows(issue, rows, result)
    _after_batch(issue_id, more=bool(rows))
    return result


def _send_rows(issue: Issue, rows: list[Delivery], result: BatchResult) -> None:
    _BatchSender(issue, rows, result).send()


class _BatchSender:
    """One batch over one SMTP connection: the rows in id order, each outcome recorded as the server answers."""

    def __init__(self, issue: Issue, rows: list[Delivery], result: BatchResult) -> None:
        self.issue = issue
        self.rows = rows
        self.result = result
        self.rendered: dict[str, Rendered] = {}
        self.connection = get_connection()
        self.pacer = _Pacer(settings.NEWSLETTER_MAX_PER_SECOND)

    def send(self) -> None:
        try:
            self.connection.open()
            watch = _DataWatch(getattr(self.connection, "connection", None))  # None: not an SMTP backend
            for index, delivery in enumerate(self.rows):
                if not self._send_one(index, delivery, watch):
                    return
        except (smtplib.SMTPException, OSError) as exc:
            # Could not even connect: nothing of this batch reached the server.
            log.warning("newsletter: SMTP connection failed: %s", exc)
            _release([r for r in self.rows if r.status == DeliveryStatus.CLAIMED], exc)
            self.result.deferred += sum(1 for r in self.rows if r.status == DeliveryStatus.DEFERRED)
        finally:
            self._close()

    def _send_one(self, index: int, delivery: Delivery, watch: _DataWatch) -> bool:
        """Send one row; False when the rest of the batch cannot go over this connection."""
        if index and index % LEASE_RENEWAL_EVERY == 0:
            # A slow but live batch keeps its claim: the lease measures silence, not the batch's length.
            Delivery.objects.filter(claim=delivery.claim, status=DeliveryStatus.CLAIMED).update(
                claimed_at=timezone.now())
        subscriber = delivery.subscriber
        # Re-read the status: an unsubscribe takes effect even in the middle of a batch.
        status = Subscriber.objects.filter(pk=subscriber.pk).values_list("status", flat=True).first()
        if status != SubscriberStatus.ACTIVE:
            _record(delivery, DeliveryStatus.SKIPPED, error=str(status or ""))
            self.result.skipped += 1
            return True
        message = issue_message(self.issue, self._rendered(subscriber), subscriber, connection=self.connection)
        self.pacer.wait()
        watch.started = False
        try:
            if self.connection.send_messages([message]) != 1:
                raise smtplib.SMTPException("the message was not sent")
        except (smtplib.SMTPException, OSError) as exc:
            return self._failed(index, delivery, exc, data_sent=watch.started)
        _record(delivery, DeliveryStatus.SENT, sent_at=timezone.now())
        if subscriber.hard_bounces:
            Subscriber.objects.filter(pk=subscriber.pk).update(hard_bounces=0)
        self.result.sent += 1
        return True

    def _rendered(self, subscriber: Subscriber) -> Rendered:
        # Rendered once per language and batch, on first need.
        lang = subscriber.language if subscriber.language in ("en", "fr") else "en"
        if lang not in self.rendered:
            self.rendered[lang] = render_issue(self.issue, lang)
        return self.rendered[lang]

    def _failed(self, index: int, delivery: Delivery, exc: BaseException, *, data_sent: bool) -> bool:
        """Record a refused or lost message; False when the connection itself failed."""
        code = _smtp_code(exc, delivery.subscriber.email)
        if code is None and data_sent:
            # The connection broke after the message was handed over, before the server answered:
            # it may have been accepted. Not resent by itself (see the module docstring).
            _record(delivery, DeliveryStatus.UNCERTAIN, error=str(exc)[:300])
            _release(self.rows[index + 1:], exc)
            return False
        if code is not None and 500 <= code < 600:
            _permanent_failure(delivery, delivery.subscriber, code, exc)
            self.result.failed += 1
            return True
        _temporary_failure(delivery, code, exc)
        self.result.deferred += 1
        if code is None:  # the connection itself failed: the rest of the batch waits too
            _release(self.rows[index + 1:], exc)
            self.result.deferred += len(self.rows) - index - 1
            return False
        return True

    def _close(self) -> None:
        try:
            self.connection.close()
        except Exception:  # closing a broken connection must not hide the real outcome
            log.debug("newsletter: closing the SMTP connection failed", exc_info=True)


def _record(delivery: Delivery, status: str, **fields: Any) -> None:
    delivery.status = status
    Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(status=status, **fields)


def _permanent_failure(delivery: Delivery, subscriber: Subscriber, code: int, exc: BaseException) -> None:
    _record(delivery, DeliveryStatus.FAILED, error=f"{code} {exc}"[:300])
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # Only a refused recipient says something about the address; a refused sender or content does not.
        Subscriber.objects.filter(pk=subscriber.pk).update(hard_bounces=F("hard_bounces") + 1)
        Subscriber.objects.filter(pk=subscriber.pk, status=SubscriberStatus.ACTIVE,
                                  hard_bounces__gte=settings.NEWSLETTER_HARD_BOUNCE_LIMIT).update(
            status=SubscriberStatus.SUSPENDED)


def _temporary_failure(delivery: Delivery, code: int | None, exc: BaseException) -> None:
    error = f"{code or ''} {exc}".strip()[:300]
    if delivery.attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        _record(delivery, DeliveryStatus.FAILED, error=error)
    else:
        _record(delivery, DeliveryStatus.DEFERRED, error=error, claim="",
                next_attempt_at=timezone.now() + _retry_delay(delivery.attempts))


def _release(rows: Iterable[Delivery], exc: BaseException) -> None:
    """Rows never handed to SMTP go back to the queue, without counting an attempt."""
    ids = [r.pk for r in rows]
    for r in rows:
        r.status = DeliveryStatus.DEFERRED
    Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.CLAIMED).update(
        status=DeliveryStatus.DEFERRED, claim="", attempts=F("attempts") - 1, error=str(exc)[:300],
        next_attempt_at=timezone.now() + _retry_delay(1))


def _after_batch(issue_id: int, *, more: bool) -> None:
    """Keep the chain going while work is due; wake up later for retries; close the issue when done."""
    now = timezone.now()
    open_rows = Delivery.objects.filter(issue_id=issue_id, status__in=OPEN)
    if more and open_rows.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).exists():
        from newsreel.newsletter.tasks import send_batch as send_batch_task

        send_batch_task.enqueue(issue_id)
        return
    retry_at = open_rows.aggregate(at=Min("next_attempt_at"))["at"]
    if retry_at is not None and more:
        _queue_batches(issue_id, 1, run_after=retry_at)
        return
    _finish_if_done(issue_id)


def _finish_if_done(issue_id: int) -> None:
    busy = Delivery.objects.filter(issue_id=issue_id, status__in=[*OPEN, DeliveryStatus.CLAIMED]).exists()
    if not busy:
        Issue.objects.filter(pk=issue_id, status=IssueStatus.SENDING).update(
            status=IssueStatus.SENT, finished_at=timezone.now())


# --- Recovery ------------------------------------------------------------------------------------------

def recover_stale_claims(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Batches claimed longer ago than the lease belong to a dead worker: see the module docstring."""
    lease = older_than if older_than is not None else timedelta(seconds=settings.NEWSLETTER_CLAIM_LEASE)
    cutoff = timezone.now() - lease
    uncertain = released = 0
    issues: set[int] = set()
    stale = (Delivery.objects.filter(status=DeliveryStatus.CLAIMED, claimed_at__lte=cutoff)
             .values("claim").annotate(first=Min("pk"), issue=Max("issue_id")))
    for group in stale:
        with transaction.atomic():
            uncertain += Delivery.objects.filter(pk=group["first"], status=DeliveryStatus.CLAIMED).update(
                status=DeliveryStatus.UNCERTAIN, error=_("The worker stopped while sending this message."))
            released += Delivery.objects.filter(claim=group["claim"], status=DeliveryStatus.CLAIMED).update(
                status=DeliveryStatus.PENDING, claim="", attempts=F("attempts") - 1)
        issues.add(group["issue"])
    for issue_id in issues:
        pending = Delivery.objects.filter(issue_id=issue_id, status__in=OPEN).count()
        if pending:
            transaction.on_commit(lambda i=issue_id, n=pending: _queue_batches(i, n))  # type: ignore[misc]
        else:
            _finish_if_done(issue_id)
    return {"uncertain": uncertain, "released": released}


def uncertain_resolve(*, issue: Issue, delivered: Iterable[int] = (), resend: Iterable[int] = ()) -> None:
    """An editor's decision after checking the relay's log: mark as sent, or send again."""
    Delivery.objects.filter(issue=issue, status=DeliveryStatus.UNCERTAIN, subscriber_id__in=list(delivered)).update(
        status=DeliveryStatus.SENT, error="")
    again = Delivery.objects.filter(issue=issue, status=DeliveryStatus.UNCERTAIN,
                                    subscriber_id__in=list(resend)).update(
        status=DeliveryStatus.PENDING, claim="", error="")
    if again:
        Issue.objects.filter(pk=issue.pk, status=IssueStatus.SENT).update(status=IssueStatus.SENDING)
        transaction.on_commit(lambda: _queue_batches(issue.pk, again))


def restart_stalled(now: datetime | None = None) -> list[int]:
    """Issues with due work and no batch activity for a lease: start a chain again (the tick's safety net)."""
    now = now or timezone.now()
    quiet_since = now - timedelta(seconds=settings.NEWSLETTER_CLAIM_LEASE)
    restarted = []
    for issue in Issue.objects.filter(status=IssueStatus.SENDING):
        rows = Delivery.objects.filter(issue=issue)
        due = rows.filter(status__in=OPEN).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        if not due.exists():
            _finish_if_done(issue.pk)
            continue
        # A live chain claims something at least once a lease; due retries may lack a deferred task
        # (backends without run_after), and an extra chain that finds nothing to claim simply ends.
        active = rows.filter(Q(claimed_at__gt=quiet_since) | Q(sent_at__gt=quiet_since)).exists()
        if not active or due.filter(status=DeliveryStatus.DEFERRED).exists():
            _queue_batches(issue.pk, 1)
            restarted.append(issue.pk)
    return restarted
