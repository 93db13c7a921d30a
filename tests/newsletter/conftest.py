from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache

from newsreel.newsletter.models import Issue, Subscriber, SubscriberStatus, Topic


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def topics(db: Any) -> dict[str, Topic]:
    return {t.slug: t for t in Topic.objects.all()}


def make_subscriber(email: str, *, language: str = "en", status: str = SubscriberStatus.ACTIVE,
                    topics: list[Topic] | None = None) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email, language=language, status=status)
    if topics:
        subscriber.topics.set(topics)
    return subscriber


def make_subscribers(count: int, *, domain: str = "example.org", language: str = "en") -> list[Subscriber]:
    Subscriber.objects.bulk_create([Subscriber(email=f"reader{n:05d}@{domain}", language=language,
                                               status=SubscriberStatus.ACTIVE) for n in range(count)],
                                   batch_size=500)
    return list(Subscriber.objects.filter(email__endswith=f"@{domain}").order_by("pk"))


def make_issue(**fields: Any) -> Issue:
    defaults: dict[str, Any] = {"subject_en": "This week at the centre", "subject_fr": "Cette semaine au centre",
                                "intro_en": "Hello readers.", "intro_fr": "Bonjour lectrices et lecteurs."}
    return Issue.objects.create(**{**defaults, **fields})


def link_in(text: str, name: str) -> str:
    """The path of the first link to the named newsletter page (confirm, preferences, unsubscribe) in a mail."""
    match = re.search(rf"https?://[^/\s]+(/[a-z]{{2}}/newsletter/{name}/[^/\s\"]+/)", text)
    assert match, f"no {name} link in:\n{text}"
    return match.group(1)
