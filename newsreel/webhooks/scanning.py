"""Finding what to deliver: the saved-search alerts' mechanism, reused.

Each endpoint keeps a window (`checked_until`) as a saved search does; what became visible in it (published, or
its embargo passed) and matches the endpoint's saved search, as the search page would match it
(`newsletter.matching.new_matching_ids`), gets one delivery per endpoint. The (endpoint, key) pair is unique,
so the overlapping windows, a scan after each publication and the periodic tick never make a second one.

One refinement over alerts: the window's rule also lets in anything *edited* in it, since the save that
publishes a draft is told apart from any other save only by the time it happened. Webhooks say "published",
so a match counts only if its publish-at time is in the window or an `Appearance` (a save that made it public,
recorded by signal_handlers.py) is.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from newsreel.catalogue.models import Item
from newsreel.news.models import Article
from newsreel.newsletter.matching import new_matching_ids
from newsreel.webhooks import payload
from newsreel.webhooks.models import Appearance, Delivery, Endpoint

log = logging.getLogger(__name__)

# Content saved a little before a scan may commit a little after it; unique deliveries make the overlap harmless.
OVERLAP = timedelta(minutes=30)
APPEARANCE_KEPT = timedelta(days=7)


def scan_all(now: datetime | None = None) -> list[int]:
    """Make the deliveries of every active endpoint; returns the new deliveries' ids."""
    now = now or timezone.now()
    made: list[int] = []
    # A deactivated account's endpoints wait (nothing is made for them) until the account is active again.
    endpoints = Endpoint.objects.filter(active=True, owner__is_active=True).select_related("saved_search")
    for endpoint in endpoints.order_by("pk"):
        try:
            made += scan_endpoint(endpoint=endpoint, now=now)
        except Exception:
            log.exception("webhook endpoint %s: scan failed; it is tried again at the next one", endpoint.pk)
    return made


def scan_endpoint(*, endpoint: Endpoint, now: datetime) -> list[int]:
    with transaction.atomic():
        locked = (Endpoint.objects.select_for_update(of=("self",)).select_related("saved_search")
                  .filter(pk=endpoint.pk, active=True).first())
        if locked is None:
            return []
        since = max(locked.checked_until - OVERLAP, locked.created_at)
        query = locked.saved_search.query if locked.saved_search else ""
        item_ids, article_ids = _appeared(*new_matching_ids(query, since=since, until=now), since=since)
        keys = [f"item:{pk}" for pk in item_ids] + [f"article:{pk}" for pk in article_ids]
        seen = set(Delivery.objects.filter(endpoint=locked, key__in=keys).values_list("key", flat=True))
        made = _make(locked, now, items=[pk for pk in item_ids if f"item:{pk}" not in seen],
                     articles=[pk for pk in article_ids if f"article:{pk}" not in seen])
        locked.checked_until = now
        locked.save(update_fields=["checked_until"])
    return made


def _appeared(item_ids: set[int], article_ids: set[int], *, since: datetime) -> tuple[list[int], list[int]]:
    """Of the window's matches, those that became public in it: their publish-at time is in it (published
    now, or an embargo that passed), or a save in it made them public (a draft dated earlier, published now).
    Matches that are in the window only because an edit touched them (they were public before) are dropped: an
    old item corrected today is not news."""
    keys = [f"item:{pk}" for pk in item_ids] + [f"article:{pk}" for pk in article_ids]
    recent = set(Appearance.objects.filter(at__gt=since, key__in=keys).values_list("key", flat=True))
    items = [pk for pk, at in Item.objects.filter(pk__in=item_ids).values_list("pk", "publish_at")
             if at > since or f"item:{pk}" in recent]
    articles = [pk for pk, at in Article.objects.filter(pk__in=article_ids).values_list("pk", "publish_at")
                if at > since or f"article:{pk}" in recent]
    return items, articles


def prune_appearances(now: datetime) -> int:
    """Appearances older than any window a scan still looks at (a disabled endpoint starts afresh)."""
    return Appearance.objects.filter(at__lt=now - APPEARANCE_KEPT).delete()[0]


def _make(endpoint: Endpoint, now: datetime, *, items: list[int], articles: list[int]) -> list[int]:
    made = []
    # Oldest first, so that a receiver that handles them in order gets them in publication order.
    for item in Item.objects.filter(pk__in=items).order_by("publish_at", "pk"):
        made.append(_delivery(endpoint, now, f"item:{item.pk}", payload.ITEM_PUBLISHED, payload.item_data(item)))
    for article in Article.objects.filter(pk__in=articles).order_by("publish_at", "pk"):
        made.append(_delivery(endpoint, now, f"article:{article.pk}", payload.ARTICLE_PUBLISHED,
                              payload.article_data(article)))
    return made


def _delivery(endpoint: Endpoint, now: datetime, key: str, event: str, data: dict[str, object]) -> int:
    uid = uuid.uuid4()
    body = payload.body(delivery_id=str(uid), event=event, created=now, data=data)
    return Delivery.objects.create(endpoint=endpoint, uid=uid, key=key, event=event, body=body, created_at=now,
                                   next_attempt_at=now).pk


SCAN_QUEUED = "webhooks:scan-queued"


def request_scan() -> None:
    """Queue one scan, however many things were published at once (a bulk edit, an import): while a scan is
    queued and has not started, more requests add nothing; the queued one will see them all."""
    from django.core.cache import cache

    from newsreel.webhooks.tasks import scan

    if cache.add(SCAN_QUEUED, True, timeout=120):
        scan.enqueue()


def settle_scan() -> None:
    """A scan starts: what is published from now on needs a scan of its own."""
    from django.core.cache import cache

    cache.delete(SCAN_QUEUED)
