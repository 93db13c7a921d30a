from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.webhooks.models import Endpoint
from tests.factories import make_member
from tests.webhooks.receiver import Receiver, serve


@pytest.fixture
def allow_loopback(settings: Any) -> None:
    """Tests post to a receiver on 127.0.0.1, which production refuses (SSRF); they say so explicitly."""
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve(Receiver())


@pytest.fixture
def terms(db: Any) -> TermsVersion:
    return TermsVersion.objects.create(version="2026-1", text_en="Credit the source.", text_fr="Citez la source.")


@pytest.fixture
def member(terms: TermsVersion) -> Any:
    """A verified member who accepted the terms in force: who may register webhooks."""
    user = make_member(email="desk@example.org")
    accept_terms(user=user, terms=terms)
    return user


def endpoint_for(owner: Any, url: str, **fields: Any) -> Endpoint:
    from newsreel.webhooks.services import endpoint_create

    return endpoint_create(owner=owner, url=url, **fields)
