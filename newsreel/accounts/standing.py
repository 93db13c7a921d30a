"""A signed-in user's standing (address verified, terms in force accepted), kept in the shared cache.

Every signed-in item page asks it (the clip tool offers the master to those who may download it), and so does
every download. Asked of the database it costs three queries (a verified address, the terms version in force,
its acceptance), a sixth of a signed-in page's time under load (docs/performance.md). Kept in the default
cache, shared by every process, it costs two cache reads, and is dropped when what it is made of changes:

- an address or a terms acceptance of the user saved or deleted drops the user's entry (now, and again once
  the transaction commits, so that a reader between the two cannot keep the old state);
- a terms version saved or deleted drops the version in force; a version scheduled for later is in force by
  itself when its time comes, so the cached version in force expires then.

Entries also expire after STANDING_SECONDS, should a change ever bypass the signals (a `QuerySet.update()`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from newsreel.accounts.models import TermsAcceptance, TermsVersion

STANDING_SECONDS = 600
TERMS_KEY = "accounts:terms-in-force"
STANDING_KEY = "accounts:standing:%d"


@dataclass(frozen=True)
class Standing:
    verified: bool
    terms: int | None  # the terms version in force when this was read (None: no terms published)
    accepted: bool  # that version accepted (True when there is none)


def terms_in_force() -> int | None:
    """The id of the terms version in force, or None when no version is published yet."""
    now = timezone.now()
    cached: tuple[int | None, dt.datetime | None] | None = cache.get(TERMS_KEY)
    if cached is not None and (cached[1] is None or cached[1] > now):
        return cached[0]
    current = TermsVersion.objects.in_force(now).values_list("id", flat=True).first()
    upcoming = (TermsVersion.objects.filter(published_at__gt=now).order_by("published_at")
                .values_list("published_at", flat=True).first())
    cache.set(TERMS_KEY, (current, upcoming), STANDING_SECONDS)
    return current


def standing(user: User) -> Standing:
    key = STANDING_KEY % user.pk
    terms = terms_in_force()
    cached: Standing | None = cache.get(key)
    if cached is not None and cached.terms == terms:
        return cached
    fresh = Standing(
        verified=EmailAddress.objects.filter(user=user, verified=True).exists(),
        terms=terms,
        accepted=terms is None or TermsAcceptance.objects.filter(user=user, terms_id=terms).exists(),
    )
    cache.set(key, fresh, STANDING_SECONDS)
    return fresh


def _forget(key: str) -> None:
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _user_changed(sender: type[Any], instance: EmailAddress | TermsAcceptance, **kwargs: Any) -> None:
    _forget(STANDING_KEY % instance.user_id)


def _terms_changed(sender: type[Any], **kwargs: Any) -> None:
    _forget(TERMS_KEY)


def connect() -> None:
    for name, signal in (("save", post_save), ("delete", post_delete)):
        for model in (EmailAddress, TermsAcceptance):
            signal.connect(_user_changed, sender=model, dispatch_uid=f"newsreel-standing-{model.__name__}-{name}")
        signal.connect(_terms_changed, sender=TermsVersion, dispatch_uid=f"newsreel-standing-terms-{name}")
