"""Signed links and form tokens (django.core.signing): no account and no stored token needed.

Expiry is checked against `timezone.now()` with the issue time inside the payload, rather than with
TimestampSigner, so that one clock governs the whole app (and tests can move it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone

from newsreel.newsletter.models import Subscriber, SubscriberStatus

CONFIRM_SALT = "newsreel.newsletter.confirm"
MANAGE_SALT = "newsreel.newsletter.manage"
FORM_SALT = "newsreel.newsletter.form"
HUMAN_SALT = "newsreel.newsletter.human"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


class LinkUsed(LinkInvalid):
    """The subscription changed (confirmed, unsubscribed, suspended) since the link was sent."""


@dataclass(frozen=True)
class ConfirmRequest:
    subscriber: Subscriber
    language: str
    topic_ids: tuple[int, ...]
    state: str | None = None


def _micros(moment: dt.datetime | None) -> str:
    return str(int(moment.timestamp() * 1_000_000)) if moment else ""


def subscription_state(subscriber: Subscriber) -> str:
    """A fingerprint of the subscription's status and its dates, carried by each confirmation link.

    Confirming or unsubscribing changes it, so every confirmation link sent before stops working: a link is used
    once, and an old one cannot subscribe again an address that left (by one click or otherwise).
    """
    raw = f"{subscriber.status}|{_micros(subscriber.confirmed_at)}|{_micros(subscriber.unsubscribed_at)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def check_unused(request: ConfirmRequest, subscriber: Subscriber) -> None:
    if request.state is None:
        # Links sent before links carried a state: good only while the address still waits for confirmation.
        if subscriber.status != SubscriberStatus.PENDING:
            raise LinkUsed
    elif request.state != subscription_state(subscriber):
        raise LinkUsed


def _now() -> int:
    return int(timezone.now().timestamp())


def confirmation_token(*, subscriber: Subscriber, language: str, topic_ids: list[int]) -> str:
    # The choices travel in the link, so a stranger re-submitting someone's address cannot change them.
    payload = {"s": subscriber.pk, "k": subscriber.key, "l": language, "t": sorted(topic_ids), "at": _now(),
               "v": subscription_state(subscriber)}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_confirmation(token: str) -> ConfirmRequest:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT)
        issued = int(payload["at"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid from exc
    if _now() - issued > settings.NEWSLETTER_CONFIRM_MAX_AGE:
        raise LinkExpired
    subscriber = Subscriber.objects.filter(pk=payload.get("s"), key=payload.get("k")).first()
    if subscriber is None:
        raise LinkInvalid
    topics = tuple(int(t) for t in payload.get("t", []) if isinstance(t, int))
    state = payload.get("v")
    request = ConfirmRequest(subscriber, payload.get("l") if payload.get("l") in ("en", "fr") else "en", topics,
                             state if isinstance(state, str) else None)
    check_unused(request, subscriber)
    return request


def manage_token(subscriber: Subscriber) -> str:
    """Never expires: unsubscribe links in old messages must keep working. Rotating the key revokes it."""
    return signing.dumps({"s": subscriber.pk, "k": subscriber.key}, salt=MANAGE_SALT)


def read_manage(token: str) -> Subscriber | None:
    try:
        payload = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        return None
    return Subscriber.objects.filter(pk=payload["s"], key=str(payload.get("k"))).first()


def form_token() -> str:
    return signing.dumps(_now(), salt=FORM_SALT)


def human_token() -> str:
    """Proof that the "please confirm you want to subscribe" page was served (not the form token: its own salt)."""
    return signing.dumps(_now(), salt=HUMAN_SALT)


def human_token_age(token: str) -> int | None:
    try:
        issued = int(signing.loads(token, salt=HUMAN_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return _now() - issued


def form_token_age(token: str) -> int | None:
    """Seconds since the form was served, or None if the token is forged or missing."""
    try:
        issued = int(signing.loads(token, salt=FORM_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return _now() - issued
