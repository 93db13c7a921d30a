"""A client for the API's actions: the read client (tests/api/conftest.py) plus writes with JSON bodies."""

from __future__ import annotations

import json
from typing import Any

from newsreel.api.tokens import token_create
from tests.api.conftest import ApiClient


class ActionClient(ApiClient):
    def _auth(self, extra: dict[str, Any]) -> dict[str, Any]:
        if self.token:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return extra

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self.client.post(f"/api/v1{path}", json.dumps(data), content_type="application/json",
                                **self._auth(extra))

    def patch(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self.client.patch(f"/api/v1{path}", json.dumps(data), content_type="application/json",
                                 **self._auth(extra))

    def delete(self, path: str, **extra: Any) -> Any:
        return self.client.delete(f"/api/v1{path}", **self._auth(extra))


def actions_for(user: Any, *scopes: str) -> ActionClient:
    _token, raw = token_create(user=user, name="test", scopes=scopes or ("read",))
    return ActionClient(raw)


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
