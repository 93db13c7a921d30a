"""Writing endpoints: keyword-only, typed, one place for the rules (the pages, the admin and later the API)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsreel.newsletter.models import SavedSearch
from newsreel.webhooks.addresses import UnsafeURL, check_url
from newsreel.webhooks.models import Delivery, DeliveryStatus, Endpoint, new_secret

ROTATION_GRACE = timedelta(hours=24)
MAX_ENDPOINTS = 20  # per user (pages and API): each one costs a scan a minute


def check_endpoint_url(url: str) -> str:
    """The URL, stripped, or ValidationError saying why it may not receive webhooks."""
    try:
        check_url(url, allow_private=settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE)
    except UnsafeURL as exc:
        raise ValidationError(str(exc), code="unsafe_url") from exc
    return url.strip()


def _check_saved_search(owner: User, saved_search: SavedSearch | None) -> None:
    if saved_search is not None and saved_search.user_id != owner.pk:
        raise ValidationError("The saved search belongs to someone else.", code="not_owner")


def endpoint_create(*, owner: User, url: str, saved_search: SavedSearch | None = None,
                    description: str = "") -> Endpoint:
    """A new active endpoint. It receives what becomes public from now on, not what was public before."""
    _check_saved_search(owner, saved_search)
    return Endpoint.objects.create(owner=owner, url=check_endpoint_url(url), saved_search=saved_search,
                                   description=description[:200], checked_until=timezone.now())


def endpoint_update(*, endpoint: Endpoint, url: str, saved_search: SavedSearch | None,
                    description: str = "") -> Endpoint:
    _check_saved_search(endpoint.owner, saved_search)
    endpoint.url = check_endpoint_url(url)
    endpoint.saved_search = saved_search
    endpoint.description = description[:200]
    endpoint.save(update_fields=["url", "saved_search", "description"])
    return endpoint


def endpoint_rotate_secret(*, endpoint: Endpoint) -> Endpoint:
    """A new secret; the old one still signs for ROTATION_GRACE, beside the new one, so receivers can switch."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = timezone.now() + ROTATION_GRACE
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint


def endpoint_disable(*, endpoint: Endpoint, reason: str) -> bool:
    """Stop deliveries. Returns False if it was already disabled (only one notice is mailed)."""
    changed = Endpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_at=timezone.now(), disabled_reason=reason[:300])
    endpoint.refresh_from_db()
    return bool(changed)


def endpoint_enable(*, endpoint: Endpoint) -> Endpoint:
    """Deliveries start again: those still waiting are sent now; what was published while the endpoint was
    disabled is not sent (the window starts now), so a long outage does not end in a flood."""
    now = timezone.now()
    with transaction.atomic():
        endpoint.active = True
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
        endpoint.consecutive_failures = 0
        endpoint.checked_until = now
        endpoint.save(update_fields=["active", "disabled_at", "disabled_reason", "consecutive_failures",
                                     "checked_until"])
        Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(next_attempt_at=now)
    from newsreel.webhooks.sending import queue_due

    transaction.on_commit(lambda: queue_due(endpoint_id=endpoint.pk))
    return endpoint


def endpoint_delete(*, endpoint: Endpoint) -> None:
    endpoint.delete()


def endpoint_ping(*, endpoint: Endpoint) -> Delivery:
    """A `ping` delivery, sent now through the same path as the others (signature, log, retries), so an owner
    can check their receiver without waiting for a publication."""
    from newsreel.webhooks import payload
    from newsreel.webhooks.sending import queue

    now = timezone.now()
    uid = uuid.uuid4()
    body = payload.body(delivery_id=str(uid), event=payload.PING, created=now,
                        data={"type": "ping", "endpoint": endpoint.url})
    delivery = Delivery.objects.create(endpoint=endpoint, uid=uid, key=f"ping:{uid.hex[:16]}", event=payload.PING,
                                       body=body, created_at=now, next_attempt_at=now)
    transaction.on_commit(lambda: queue([delivery.pk]))
    return delivery
