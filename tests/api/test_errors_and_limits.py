"""One error body everywhere, rate limits with Retry-After, conditional requests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import ApiClient, client_for
from tests.factories import make_item, make_member

pytestmark = pytest.mark.django_db
SHAPE = {"status", "code", "message", "errors"}


def _is_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE and body["status"] == status and body["code"] == code and body["message"]
    return body


def test_unknown_path_and_method_answer_with_the_error_body(anonymous: ApiClient) -> None:
    _is_error(anonymous.get("/nothing/here"), 404, "not_found")
    response = anonymous.client.post("/api/v1/items", {})
    _is_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_validation_errors_name_the_field(anonymous: ApiClient) -> None:
    body = _is_error(anonymous.get("/items?limit=1000"), 422, "invalid_request")
    assert body["errors"][0]["loc"] == ["query", "limit"]
    body = _is_error(anonymous.get("/search?published_from=yesterday"), 422, "invalid_request")
    assert body["errors"][0]["loc"][-1] == "published_from"


def test_a_crash_is_a_500_body_without_a_trace(anonymous: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsreel.api.events

    def explode(*args: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(newsreel.api.events, "keyset", explode)
    response = anonymous.get("/events")
    body = _is_error(response, 500, "server_error")
    assert "secret internals" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert body["errors"] == []


def test_anonymous_callers_are_limited_per_address(anonymous: ApiClient, settings: Any) -> None:
    settings.NEWSREEL_API_RATE_ANONYMOUS = 3
    for _n in range(3):
        assert anonymous.get("/events").status_code == 200
    response = anonymous.get("/events")
    _is_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= settings.NEWSREEL_API_RATE_WINDOW
    # A token has its own allowance, whatever the address has used.
    assert client_for(make_member()).get("/events").status_code == 200


def test_each_token_has_its_own_limit(settings: Any) -> None:
    settings.NEWSREEL_API_RATE_TOKEN = 2
    user = make_member()
    first, second = client_for(user), client_for(user)
    assert [first.get("/events").status_code for _n in range(3)] == [200, 200, 429]
    assert second.get("/events").status_code == 200


def test_etag_changes_with_the_item(anonymous: ApiClient) -> None:
    item = make_item()
    first = anonymous.get(f"/items/{item.reference}")
    assert anonymous.get(f"/items/{item.reference}", HTTP_IF_NONE_MATCH=f'"other", {first["ETag"]}').status_code == 304
    item.title_en = "Changed"
    item.save()
    changed = anonymous.get(f"/items/{item.reference}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert changed.json()["title"]["en"] == "Changed"


def test_head_answers_like_get_without_a_body(anonymous: ApiClient) -> None:
    item = make_item()
    got = anonymous.get(f"/items/{item.reference}")
    head = anonymous.client.head(f"/api/v1/items/{item.reference}")
    assert head.status_code == 200 and head["ETag"] == got["ETag"] and head.content == b""
    refused = anonymous.client.delete(f"/api/v1/items/{item.reference}")
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD"


def test_control_characters_are_refused_not_stripped(anonymous: ApiClient) -> None:
    body = _is_error(anonymous.get("/search?q=summit%01"), 422, "invalid_request")
    assert body["errors"] == [{"loc": ["query", "q"], "message": body["errors"][0]["message"],
                               "type": "control_characters"}]
    _is_error(anonymous.get("/items/V%01"), 404, "not_found")  # refused by the portal's middleware, API body


def test_guessing_tokens_uses_up_the_addresss_allowance(settings: Any) -> None:
    settings.NEWSREEL_API_RATE_ANONYMOUS = 2
    guesser = ApiClient("nrl_0123456789_guess")
    assert [guesser.get("/events").status_code for _n in range(3)] == [401, 401, 429]


def test_answers_vary_with_the_token_and_the_language(anonymous: ApiClient) -> None:
    for path in ("/items", f"/items/{make_item().reference}", "/search?q=item", "/items?limit=0"):
        vary = {part.strip() for part in anonymous.get(path)["Vary"].split(",")}
        assert {"Authorization", "Accept-Language"} <= vary, path
    assert "Accept-Language" in anonymous.get("/nothing")["Vary"]
