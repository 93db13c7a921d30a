"""Whether an address has an account must not show in how much work a request does (issue #14, point 3).

The timing gap came from password hashing, by far the costliest step (PBKDF2, hundreds of ms): sign-up hashed
the password only for new addresses. Each test sends the same request for a known and an unknown address and
compares what the server did: password hashes computed and messages sent. Counting the work rather than timing
it keeps the test exact on a loaded machine; bench/account_timing.py prints the times.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.accounts.hashing import counting
from tests.factories import make_member

pytestmark = pytest.mark.django_db

PASSWORD = "Press-pass-2026!"


def _work(smtp, hasher, send) -> tuple[int, int]:
    hasher.calls.clear()
    before = len(smtp.messages)
    response = send()
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(hasher.calls), len(smtp.messages) - before


def _signup(email: str):
    return Client().post("/en/accounts/signup/", {
        "email": email, "password1": PASSWORD, "password2": PASSWORD, "full_name": "Ada Reporter",
        "organisation": "Example Broadcasting", "role": "broadcaster", "country": "Belgium", "language": "en",
        "accept_terms": "on",
    })


def test_signup_hashes_the_password_whether_or_not_the_address_has_an_account(smtp, settings):
    hasher = counting(settings)
    make_member(email="known@example.org")
    known = _work(smtp, hasher, lambda: _signup("known@example.org"))
    new = _work(smtp, hasher, lambda: _signup("new@example.org"))
    assert new == (1, 1)  # the new account's password hashed once, one code mailed
    assert known == new
    assert get_user_model().objects.filter(email="known@example.org").count() == 1


def _login(email: str, password: str):
    return Client().post("/en/accounts/login/", {"login": email, "password": password})


def _login_failed(email: str, password: str):
    response = _login(email, password)
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session
    response.status_code = 302  # a refused sign-in answers with the form again; count its work all the same
    return response


def test_failed_sign_in_costs_one_hash_for_known_unknown_and_passwordless_accounts(smtp, settings):
    hasher = counting(settings)
    make_member(email="known@example.org")
    passwordless = make_member(email="nopassword@example.org")
    passwordless.set_unusable_password()
    passwordless.save()
    work = {email: _work(smtp, hasher, lambda email=email: _login_failed(email, "Wrong-guess-2026!"))
            for email in ("known@example.org", "nobody@example.org", "nopassword@example.org")}
    assert set(work.values()) == {(1, 0)}, work


def test_reset_request_does_the_same_work_for_known_and_unknown_addresses(smtp, settings):
    hasher = counting(settings)
    make_member(email="known@example.org")
    work = {email: _work(smtp, hasher, lambda email=email: Client().post("/en/accounts/password/reset/",
                                                                          {"email": email}))
            for email in ("known@example.org", "nobody@example.org")}
    assert work["known@example.org"] == work["nobody@example.org"] == (0, 1), work
