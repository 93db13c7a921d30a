"""The account's API tokens page: make a token (shown once), use it, revoke it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from newsreel.api.models import ApiToken
from tests.api.conftest import ApiClient
from tests.factories import make_member

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-Horse-9battery"
PAGE = "/en/accounts/api-tokens/"


@pytest.fixture
def member_client(client: Client) -> Any:
    member = make_member()
    client.post("/en/accounts/login/", {"login": member.email, "password": PASSWORD})
    # Making a key to the account asks for the password again, as deleting it does.
    asked = client.post(PAGE, {"name": "first"})
    assert asked.status_code == 302 and "/accounts/reauthenticate/" in asked["Location"]
    client.post(asked["Location"], {"password": PASSWORD})
    # allauth resumed the suspended request once the password was given: the token was made then.
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["first"]
    ApiToken.objects.all().delete()
    client.member = member  # type: ignore[attr-defined]
    return client


def _secret(html: str) -> str:
    found = re.search(r'id="token-secret-value"[^>]*value="(nrl_[^"]+)"', html)
    assert found, html
    return found.group(1)


def test_account_page_links_to_the_tokens_page(member_client: Any) -> None:
    assert PAGE in member_client.get("/en/accounts/profile/").content.decode()


def test_token_is_shown_once_then_only_its_prefix(member_client: Any) -> None:
    response = member_client.post(PAGE, {"name": "Ingest script", "scopes": ["download"]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    secret = _secret(response.content.decode())
    token = ApiToken.objects.get(user=member_client.member)
    assert token.scope_set == {"read", "download"}
    listing = member_client.get(PAGE).content.decode()
    assert secret not in listing and f"nrl_{token.prefix}_" in listing and "Ingest script" in listing
    assert ApiClient(secret).get("/me/downloads").status_code == 200


def test_member_cannot_ask_for_the_editorial_scope(member_client: Any) -> None:
    response = member_client.post(PAGE, {"name": "Sneaky", "scopes": ["editorial"]})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_revoked_token_stops_working(member_client: Any) -> None:
    secret = _secret(member_client.post(PAGE, {"name": "Old"}).content.decode())
    token = ApiToken.objects.get()
    response = member_client.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiClient(secret).get("/me/downloads").status_code == 401
    assert f"nrl_{token.prefix}_" not in member_client.get(PAGE).content.decode()


def test_nobody_revokes_another_users_token(member_client: Any) -> None:
    other = make_member()
    from newsreel.api.tokens import token_create

    token, _raw = token_create(user=other, name="theirs", scopes=[])
    assert member_client.post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_listing_needs_no_new_password_but_making_one_does(client: Client) -> None:
    member = make_member()
    client.post("/en/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert client.get(PAGE).status_code == 200
    response = client.post(PAGE, {"name": "Later"})
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_tokens_page_speaks_french(member_client: Any) -> None:
    html = member_client.get("/fr/accounts/api-tokens/").content.decode()
    assert "Jetons d’API" in html and "Créer un jeton" in html


def test_staff_revoke_a_token_in_the_back_office(member_client: Any) -> None:
    from tests.factories import sign_in_staff

    secret = _secret(member_client.post(PAGE, {"name": "Leaked"}).content.decode())
    token = ApiToken.objects.get()
    admin = sign_in_staff(Client(), make_member(is_staff=True, is_superuser=True))
    listing = admin.get("/admin/api/apitoken/")
    assert listing.status_code == 200 and token.prefix in listing.content.decode()
    assert secret not in listing.content.decode()
    admin.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(secret).get("/events").status_code == 401
