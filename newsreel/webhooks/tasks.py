"""Background work of webhooks. Deliveries are short network requests with a time limit, so they run on the
default queue (served beside mail, never behind a transcode)."""

from __future__ import annotations

from django_tasks import task

from newsreel.queues import DEFAULT, MAIL


@task(queue_name=DEFAULT)
def deliver(delivery_id: int) -> bool:
    from newsreel.webhooks.sending import delivery_attempt

    attempt = delivery_attempt(delivery_id=delivery_id)
    return bool(attempt and attempt.succeeded)


@task(queue_name=DEFAULT)
def scan() -> int:
    """After a publication: make and queue the deliveries of what became visible."""
    from newsreel.webhooks.scanning import scan_all, settle_scan
    from newsreel.webhooks.sending import queue

    settle_scan()
    made = scan_all()
    queue(made)
    return len(made)


@task(queue_name=MAIL)
def send_disabled_notice(endpoint_id: int) -> None:
    from newsreel.webhooks.models import Endpoint
    from newsreel.webhooks.notices import disabled_notice

    endpoint = Endpoint.objects.select_related("owner").filter(pk=endpoint_id, active=False).first()
    if endpoint is not None and endpoint.owner.email:
        disabled_notice(endpoint=endpoint).send()
