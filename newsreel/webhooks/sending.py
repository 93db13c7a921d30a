"""Sending a delivery: one attempt at a time, logged, retried with back-off, the endpoint disabled when it keeps
failing.

An attempt first claims its delivery (a conditional UPDATE), so the task queued after a publication, a task
re-queued by the tick and a retry never post the same delivery at the same time. Deliveries are at least once:
a worker that dies after the receiver answered and before the result is stored leaves a claim that the tick
hands back after CLAIM_LEASE, and the delivery is posted again with the same id and body (receivers
de-duplicate on `Newsreel-Delivery`).
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from newsreel.webhooks.addresses import UnsafeURL, parse_target
from newsreel.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint
from newsreel.webhooks.services import endpoint_disable
from newsreel.webhooks.signing import SIGNATURE_HEADER, signature_header
from newsreel.webhooks.transport import DeliveryError, post

log = logging.getLogger(__name__)

USER_AGENT = "Newsreel-Webhooks/1"
RETRYABLE_STATUS = {408, 425, 429}


def claim_lease() -> timedelta:
    # Longer than any attempt can last: its time limit, plus the time to store the result.
    return timedelta(seconds=2 * settings.NEWSREEL_WEBHOOKS_TIMEOUT + 60)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    excerpt: str
    retry_after: float | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        # No answer (network, DNS, time limit), an overloaded or failing server, or "too many requests". Other
        # answers (a redirect, 4xx) will not change by asking again.
        code = self.status_code
        return code is None or code >= 500 or code in RETRYABLE_STATUS


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> Attempt | None:
    """Post a due delivery once; None when it is not due, already taken, or its endpoint is disabled."""
    now = now or timezone.now()
    claimed = (Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now,
                                       endpoint__active=True)
               .update(status=DeliveryStatus.SENDING, claimed_at=now))
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint", "endpoint__owner").get(pk=delivery_id)
    outcome = _post(delivery)
    attempt, disabled = _record(delivery, outcome, started=now)
    if delivery.status == DeliveryStatus.PENDING:
        _queue_retry(delivery)
    if disabled:
        from newsreel.webhooks.tasks import send_disabled_notice

        send_disabled_notice.enqueue(delivery.endpoint_id)
    return attempt


def _post(delivery: Delivery) -> Outcome:
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    timestamp = int(time.time())  # the wall clock, which the receiver compares with its own
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               "Newsreel-Delivery": str(delivery.uid), "Newsreel-Event": delivery.event,
               SIGNATURE_HEADER: signature_header(endpoint.signing_secrets(), timestamp, body)}
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        answer = post(parse_target(endpoint.url), body, headers,
                      connect_timeout=settings.NEWSREEL_WEBHOOKS_CONNECT_TIMEOUT,
                      total_timeout=settings.NEWSREEL_WEBHOOKS_TIMEOUT,
                      allow_private=settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE)
    except UnsafeURL as exc:
        return Outcome(None, f"refused: {exc}"[:300], "", None, took())
    except DeliveryError as exc:
        return Outcome(None, str(exc)[:300], "", None, took())
    return Outcome(answer.status, "", answer.excerpt, _retry_after(answer.retry_after), took())


def _retry_after(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - timezone.now()).total_seconds()) if moment.tzinfo else None


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before the next attempt: doubling from the base, half of it random ("equal jitter", so that
    endpoints failing together do not retry together), never less than the receiver's Retry-After, never
    more than NEWSREEL_WEBHOOKS_RETRY_MAX."""
    ceiling = settings.NEWSREEL_WEBHOOKS_RETRY_MAX
    delay = min(ceiling, settings.NEWSREEL_WEBHOOKS_RETRY_BASE * 2 ** max(0, attempts - 1))
    delay = delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - spreading retries, not a secret
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(float(ceiling), delay)


def _record(delivery: Delivery, outcome: Outcome, *, started: datetime) -> tuple[Attempt, bool]:
    now = timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.create(
            delivery=delivery, started_at=started, status_code=outcome.status_code, duration_ms=outcome.duration_ms,
            error=outcome.error, response_excerpt=outcome.excerpt, succeeded=outcome.ok)
        delivery.attempts += 1
        delivery.claimed_at = None
        if outcome.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
        elif outcome.retryable and delivery.attempts < settings.NEWSREEL_WEBHOOKS_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = now + timedelta(seconds=backoff(delivery.attempts, outcome.retry_after))
        else:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delivery.save(update_fields=["attempts", "claimed_at", "status", "delivered_at", "next_attempt_at"])
        disabled = _count_failure(delivery.endpoint, outcome)
    return attempt, disabled


def _count_failure(endpoint: Endpoint, outcome: Outcome) -> bool:
    """Counts failed attempts in a row; True when this one disables the endpoint."""
    if outcome.ok:
        Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return False
    Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    endpoint.refresh_from_db(fields=["consecutive_failures", "active"])
    limit = settings.NEWSREEL_WEBHOOKS_DISABLE_AFTER
    if endpoint.consecutive_failures < limit:
        return False
    reason = f"{endpoint.consecutive_failures} failed attempts in a row; last: " \
             f"{outcome.error or f'HTTP {outcome.status_code}'}"
    return endpoint_disable(endpoint=endpoint, reason=reason)


def _queue_retry(delivery: Delivery) -> None:
    from newsreel.webhooks.tasks import deliver

    if deliver.get_backend().supports_defer and delivery.next_attempt_at is not None:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    # Otherwise the tick (webhooks_tick) queues it when it is due.


def queue(delivery_ids: list[int]) -> None:
    from newsreel.webhooks.tasks import deliver

    for pk in delivery_ids:
        deliver.enqueue(pk)


def queue_due(*, endpoint_id: int | None = None, now: datetime | None = None) -> int:
    """Queue the deliveries that are due. With a backend that runs tasks later (run_after), retries are
    already queued: only those overdue by more than a claim lease (their task was lost) are queued again."""
    from newsreel.webhooks.tasks import deliver

    now = now or timezone.now()
    cutoff = now - claim_lease() if deliver.get_backend().supports_defer and endpoint_id is None else now
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=cutoff, endpoint__active=True)
    if endpoint_id is not None:
        due = due.filter(endpoint_id=endpoint_id)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:1000])
    queue(ids)
    return len(ids)


def recover_stale_claims(now: datetime | None = None) -> int:
    """Deliveries whose worker died while posting: due again (the receiver may get them twice)."""
    now = now or timezone.now()
    return (Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - claim_lease())
            .update(status=DeliveryStatus.PENDING, claimed_at=None, next_attempt_at=now))


def prune_log(now: datetime | None = None) -> int:
    """Finished deliveries (and their attempts) older than NEWSREEL_WEBHOOKS_LOG_DAYS leave the log. They are
    not needed against duplicates: the scan's window never reaches that far back."""
    now = now or timezone.now()
    old = Delivery.objects.filter(status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED],
                                  created_at__lt=now - timedelta(days=settings.NEWSREEL_WEBHOOKS_LOG_DAYS))
    return old.delete()[1].get(Delivery._meta.label, 0)
