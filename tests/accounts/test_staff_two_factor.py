"""The back office is only for staff who signed in with TOTP; others never see it."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user_model

from tests.factories import make_member, sign_in_staff

pytestmark = pytest.mark.django_db
PASSWORD = "Editor-pass-2026!"


def make_editor(**fields):
    return make_member(password=PASSWORD, is_staff=True, is_superuser=True, **fields)


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_anonymous_visitor_is_sent_to_the_portal_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/login/?next=%2Fadmin%2F")


def test_non_staff_never_see_the_admin(client):
    member = make_member()
    client.force_login(member)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404


def test_staff_without_totp_cannot_reach_admin_and_is_asked_to_set_it_up(client):
    editor = make_editor()
    client.post("/en/accounts/login/", {"login": editor.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/2fa/totp/activate/" in response["Location"]


def test_staff_signed_in_with_totp_reach_admin(client):
    editor = make_editor()
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)
    response = client.post("/en/accounts/login/?next=/admin/", {"login": editor.email, "password": PASSWORD,
                                                               "next": "/admin/"})
    assert "/2fa/authenticate/" in response["Location"]  # password alone is not enough
    assert client.get("/admin/").status_code == 302
    response = client.post(response["Location"], {"code": totp_now(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_with_totp_but_a_password_only_session_must_confirm_the_second_factor(client):
    editor = make_editor()
    TOTP.activate(editor, generate_totp_secret())
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/2fa/reauthenticate/" in response["Location"]


def test_recovery_codes_are_offered_to_staff(client):
    editor = make_editor()
    sign_in_staff(client, editor)
    html = client.get("/en/accounts/2fa/").content.decode()
    assert "/2fa/recovery-codes/" in html


def test_signed_in_staff_helper_opens_admin(client):
    editor = get_user_model().objects.create_superuser("ed", "ed@example.org", PASSWORD)
    sign_in_staff(client, editor)
    assert client.get("/admin/").status_code == 200
