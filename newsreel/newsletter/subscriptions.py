"""Subscribing (double opt-in), confirming, changing preferences and unsubscribing."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from newsreel.lib.ratelimit import hit
from newsreel.newsletter.mail import absolute, confirmation_message
from newsreel.newsletter.models import Subscriber, SubscriberStatus, Topic
from newsreel.newsletter.tokens import ConfirmRequest, check_unused, confirmation_token


def normalise_email(address: str) -> str:
    # The domain is case-insensitive; local parts are too in practice, and one row per mailbox matters more.
    return address.strip().lower()


def allow(key: str, *, limit: int, window: int) -> bool:
    """True while `key` stays under `limit` per `window` seconds (newsreel.lib.ratelimit, the shared cache)."""
    return hit(f"newsletter:rate:{key}", limit=limit, window=window) == 0


def subscription_request(*, email: str, language: str, topics: Iterable[Topic],
                         user: AbstractBaseUser | None = None) -> None:
    """Ask for a subscription. Whatever the state of the address, the caller sees the same outcome.

    New, pending or unsubscribed addresses get a confirmation link; an active subscriber gets a reminder
    with the link to their preferences (so a stranger cannot change them); nothing else is sent before the
    address is confirmed. A few requests per address per day at most, so the form cannot be used to flood
    someone's mailbox.
    """
    email = normalise_email(email)
    if not allow(f"address:{email}", limit=settings.NEWSLETTER_RATE_PER_ADDRESS, window=24 * 3600):
        return
    subscriber, _created = Subscriber.objects.get_or_create(email=email, defaults={"language": language})
    if user is not None and subscriber.user_id is None and getattr(user, "email", "").lower() == email:
        subscriber.user = user  # type: ignore[assignment]
        subscriber.save(update_fields=["user"])
    topic_ids = [t.pk for t in topics]
    from newsreel.newsletter.tasks import send_confirmation

    transaction.on_commit(lambda: send_confirmation.enqueue(subscriber.pk, language, topic_ids))


def confirmation_send(*, subscriber: Subscriber, language: str, topic_ids: list[int]) -> None:
    already = subscriber.status == SubscriberStatus.ACTIVE
    if already:
        language = subscriber.language  # the owner reads the reminder, in the language they chose
    token = confirmation_token(subscriber=subscriber, language=language, topic_ids=topic_ids)
    with translation.override(language):
        confirm_url = absolute(reverse("newsletter:confirm", args=[token]))
    confirmation_message(subscriber=subscriber, language=language, confirm_url=confirm_url,
                         already_subscribed=already).send()


@transaction.atomic
def subscription_confirm(*, request: ConfirmRequest) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().get(pk=request.subscriber.pk)
    # Again under the lock: two posts of one link, or a post racing an unsubscribe, must not both count.
    check_unused(request, subscriber)
    if subscriber.status != SubscriberStatus.ACTIVE:
        subscriber.status = SubscriberStatus.ACTIVE
        subscriber.language = request.language
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.hard_bounces = 0
        subscriber.save()
        subscriber.topics.set(Topic.objects.filter(pk__in=request.topic_ids))
    return subscriber


@transaction.atomic
def subscription_update(*, subscriber: Subscriber, language: str, topics: Iterable[Topic]) -> None:
    subscriber.language = language
    subscriber.save(update_fields=["language"])
    subscriber.topics.set(list(topics))


def subscription_cancel(*, subscriber: Subscriber) -> None:
    """Unsubscribe. Batches check the status before each message, so this takes effect at once."""
    Subscriber.objects.filter(pk=subscriber.pk).exclude(status=SubscriberStatus.UNSUBSCRIBED).update(
        status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    subscriber.refresh_from_db()
