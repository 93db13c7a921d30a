from __future__ import annotations

import hashlib

import pytest

from newsreel.api.models import ApiToken
from newsreel.api.tokens import TokenRefused, token_create, token_find, token_revoke
from tests.api.conftest import ApiClient, client_for
from tests.factories import make_item, make_member

pytestmark = pytest.mark.django_db


def test_token_is_stored_as_hash_only() -> None:
    user = make_member()
    token, raw = token_create(user=user, name="script", scopes=["read"])
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith(f"nrl_{stored.prefix}_")
    assert stored.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    secret = raw.rsplit("_", 1)[1]
    row = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert not any(secret in value for value in row)
    assert token_find(raw) == stored


def test_revoked_token_is_refused_with_401_error_body(anonymous: ApiClient) -> None:
    user = make_member()
    token, raw = token_create(user=user, name="script", scopes=["read"])
    api = ApiClient(raw)
    assert api.get("/events").status_code == 200
    token_revoke(token=token)
    response = api.get("/events")
    assert response.status_code == 401
    assert response.json() == {"status": 401, "code": "invalid_token", "message": response.json()["message"],
                               "errors": []}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_editorial_scope_is_for_staff_only() -> None:
    with pytest.raises(TokenRefused):
        token_create(user=make_member(), name="x", scopes=["editorial"])
    staff = make_member(is_staff=True)
    token, _raw = token_create(user=staff, name="x", scopes=["editorial"])
    assert token.scope_set == {"read", "editorial"}


def test_tampered_token_is_refused() -> None:
    _token, raw = token_create(user=make_member(), name="x", scopes=["read"])
    assert ApiClient(raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")).get("/events").status_code == 401
    assert ApiClient("garbage").get("/events").status_code == 401


def test_item_detail_and_404_shape(anonymous: ApiClient) -> None:
    item = make_item()
    response = anonymous.get(f"/items/{item.reference}")
    assert response.status_code == 200, response.content
    assert response.json()["reference"] == item.reference
    missing = anonymous.get("/items/V-1999-9999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_etag_gives_304(anonymous: ApiClient) -> None:
    item = make_item()
    first = anonymous.get(f"/items/{item.reference}")
    again = anonymous.get(f"/items/{item.reference}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_token_reads_as_its_owner() -> None:
    user = make_member()
    assert client_for(user).get("/events").status_code == 200


def test_root_says_where_to_go(anonymous: ApiClient) -> None:
    body = anonymous.get("/").json()
    assert body["openapi"].endswith("/api/v1/openapi.json")
    assert anonymous.client.get(body["resources"]["items"]).status_code == 200
