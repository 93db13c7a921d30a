from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import make_article, make_item
from tests.mailserver import smtp_server  # noqa: F401  (real SMTP server fixture, for any app's tests)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A controllable clock for embargo and expiry tests: `clock.advance(minutes=...)`."""

    class Clock:
        def __init__(self) -> None:
            self.now = timezone.now()

        def advance(self, **delta: float) -> None:
            self.now += dt.timedelta(**delta)

    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    yield c


@pytest.fixture
def item_factory(db: Any) -> Any:
    return make_item


@pytest.fixture
def article_factory(db: Any) -> Any:
    return make_article


@pytest.fixture(scope="session")
def media_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated media shared by the whole session (never committed)."""
    return tmp_path_factory.mktemp("generated-media")
