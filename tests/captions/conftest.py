from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages and URLs in English, whatever language an earlier test left active in this thread."""
    with translation.override("en"):
        yield
