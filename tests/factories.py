"""Test data built in code."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from newsreel.catalogue.models import Event, Item, Kind
from newsreel.news.models import Article, ArticleType
from newsreel.publishing import Status

_seq = itertools.count(1)


def make_event(**fields: Any) -> Event:
    n = next(_seq)
    defaults: dict[str, Any] = {"slug": f"event-{n}", "title_en": f"Event {n}", "title_fr": f"Événement {n}"}
    return Event.objects.create(**{**defaults, **fields})


def make_item(**fields: Any) -> Item:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "kind": Kind.VIDEO, "title_en": f"Item {n}", "title_fr": f"Élément {n}", "status": Status.PUBLISHED,
        "publish_at": timezone.now() - dt.timedelta(hours=1), "credit": "© Test", "frame_rate": "25",
    }
    return Item.objects.create(**{**defaults, **fields})


def make_article(**fields: Any) -> Article:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "slug": f"article-{n}", "type": ArticleType.NEWS, "title_en": f"Article {n}", "title_fr": f"Article FR {n}",
        "body_en": "<p>Body</p>", "body_fr": "<p>Corps</p>", "status": Status.PUBLISHED,
        "publish_at": timezone.now() - dt.timedelta(hours=1),
    }
    return Article.objects.create(**{**defaults, **fields})


def make_member(email: str | None = None, password: str = "Correct-Horse-9battery", **fields: Any) -> Any:
    """A registered media professional with a verified e-mail address and a profile."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from newsreel.accounts.models import MediaRole, Profile

    n = next(_seq)
    email = email or f"member{n}@example.org"
    profile_fields = {key: fields.pop(key) for key in ("full_name", "organisation", "role", "country", "language")
                      if key in fields}
    user = get_user_model().objects.create_user(username=f"member{n}", email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Profile.objects.create(user=user, **{
        "full_name": f"Member Number{n}", "organisation": "Daily Example", "role": MediaRole.JOURNALIST,
        "country": "Belgium", "language": "en", **profile_fields,
    })
    return user


def sign_in_staff(client: Any, user: Any) -> Any:
    """Signs a staff user in as if with password and TOTP, so the back office (/admin/) lets them in."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": now},
                                                   {"method": "mfa", "type": "totp", "at": now}]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return client
