from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from newsreel.api.tokens import token_create


class ApiClient:
    """A Django test client that speaks to /api/v1/ with an optional bearer token."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def get(self, path: str, **extra: Any) -> Any:
        if self.token:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return self.client.get(f"/api/v1{path}", **extra)


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


def client_for(user: Any, scopes: tuple[str, ...] = ("read",)) -> ApiClient:
    _token, raw = token_create(user=user, name="test", scopes=scopes)
    return ApiClient(raw)
