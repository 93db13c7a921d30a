"""Password reset by e-mailed code, through a real SMTP server, as a user would do it."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from newsreel.accounts.reset import hash_code
from tests.accounts.mail import code_in, mail_to
from tests.factories import make_item, make_member

pytestmark = pytest.mark.django_db

RESET = "/en/accounts/password/reset/"
CONFIRM = "/en/accounts/password/reset/confirm/"
RESEND = "/en/accounts/password/reset/confirm/resend/"
COMPLETE = "/en/accounts/password/reset/complete/"
NEW_PASSWORD = "Brand-new-Pass9!"


def ask_code(client: Client, email: str, next_url: str = "") -> object:
    query = f"?next={quote(next_url, safe='')}" if next_url else ""
    data = {"email": email, **({"next": next_url} if next_url else {})}
    return client.post(RESET + query, data)


def enter_code(client: Client, code: str) -> object:
    return client.post(CONFIRM, {"code": code})


def set_password(client: Client, password: str = NEW_PASSWORD) -> object:
    return client.post(COMPLETE, {"password1": password, "password2": password})


def test_code_arrives_over_smtp_and_resets_the_password_then_offers_the_way_back(client, smtp):
    member = make_member()
    item = make_item()
    page = item.get_absolute_url()

    response = ask_code(client, member.email, page)
    assert response.status_code == 302
    mail = mail_to(smtp, member.email)
    code = code_in(mail)
    assert code in mail.html()  # HTML and plain-text parts
    assert "10 minutes" in mail.text()

    assert enter_code(client, code).status_code == 302
    response = set_password(client)
    assert response.status_code == 302
    done = client.get(response["Location"])
    html = done.content.decode()
    assert f'href="/en/accounts/login/?next={quote(page, safe="")}"' in html

    notice = mail_to(smtp, member.email, 2)
    assert "reset" in notice.subject.lower() or "changed" in notice.subject.lower()
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)

    login = client.post(f"/en/accounts/login/?next={quote(page, safe='')}",
                        {"login": member.email, "password": NEW_PASSWORD, "next": page})
    assert login.status_code == 302 and login["Location"] == page


def test_the_code_is_stored_only_as_a_hash(client, smtp):
    member = make_member()
    ask_code(client, member.email)
    code = code_in(mail_to(smtp, member.email))
    stored = str(client.session.get("account_password_reset_verification"))
    assert code not in stored and code.replace("-", "") not in stored
    assert hash_code(code) in stored


def test_fourth_guess_fails_even_with_the_right_code(client, smtp):
    member = make_member()
    ask_code(client, member.email)
    code = code_in(mail_to(smtp, member.email))
    for _ in range(3):
        enter_code(client, "BBBB-BBBB")
    response = enter_code(client, code)
    assert response.status_code == 302 and response["Location"].startswith(RESET)
    assert set_password(client)["Location"].startswith(RESET)
    member.refresh_from_db()
    assert not member.check_password(NEW_PASSWORD)


def test_two_wrong_guesses_still_allow_the_right_code(client, smtp):
    member = make_member()
    ask_code(client, member.email)
    code = code_in(mail_to(smtp, member.email))
    for _ in range(2):
        assert enter_code(client, "BBBB-BBBB").status_code == 200
    assert enter_code(client, code)["Location"] == COMPLETE


def test_resend_invalidates_previous_code(client, smtp, clock):
    member = make_member()
    ask_code(client, member.email)
    old = code_in(mail_to(smtp, member.email))
    clock.advance(seconds=61)
    assert client.post(RESEND)["Location"] == CONFIRM
    new = code_in(mail_to(smtp, member.email, 2))
    assert new != old
    assert enter_code(client, old).status_code == 200  # refused, form shown again
    assert enter_code(client, new)["Location"] == COMPLETE


def test_resend_has_a_cooldown(client, smtp, clock):
    member = make_member()
    ask_code(client, member.email)
    first = code_in(mail_to(smtp, member.email))
    clock.advance(seconds=10)
    client.post(RESEND)
    assert len(smtp.messages) == 1
    assert enter_code(client, first)["Location"] == COMPLETE


def test_expired_code_is_refused(client, smtp, clock):
    member = make_member()
    ask_code(client, member.email)
    code = code_in(mail_to(smtp, member.email))
    clock.advance(minutes=10, seconds=1)
    response = enter_code(client, code)
    assert response.status_code == 302 and response["Location"].startswith(RESET)


def test_code_lifetime_comes_from_settings(client, smtp, clock, settings):
    settings.ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 120
    member = make_member()
    ask_code(client, member.email)
    code = code_in(mail_to(smtp, member.email))
    clock.advance(seconds=121)
    assert enter_code(client, code)["Location"].startswith(RESET)


def test_used_code_fails(client, smtp):
    member = make_member()
    ask_code(client, member.email)
    code = code_in(mail_to(smtp, member.email))
    enter_code(client, code)
    set_password(client)
    response = enter_code(client, code)
    assert response.status_code == 302 and response["Location"].startswith(RESET)
    assert set_password(client, "Another-pass-77!")["Location"].startswith(RESET)
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_other_sessions_are_signed_out_after_reset(client, smtp):
    member = make_member(password="Old-password-99!")
    laptop = Client()
    laptop.post("/en/accounts/login/", {"login": member.email, "password": "Old-password-99!"})
    assert laptop.get("/en/accounts/profile/").status_code == 200

    ask_code(client, member.email)
    enter_code(client, code_in(mail_to(smtp, member.email)))
    set_password(client)

    response = laptop.get("/en/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _normalised(html: str, email: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    return html.replace(email, "EMAIL")


def test_known_and_unknown_addresses_get_identical_responses(smtp):
    member = make_member(email="known@example.org")
    responses = {}
    for email in (member.email, "nobody@example.org"):
        browser = Client()
        posted = ask_code(browser, email, "/en/media/")
        page = browser.get(posted["Location"])
        responses[email] = (posted.status_code, posted["Location"], bytes(posted.content),
                            page.status_code, _normalised(page.content.decode(), email))
    assert responses[member.email] == responses["nobody@example.org"]
    # The owner of the unknown address learns that no account uses it; nobody else does.
    assert "no account" in mail_to(smtp, "nobody@example.org").text()


def test_reset_requests_are_rate_limited_per_address(client, smtp):
    member = make_member()
    statuses = [ask_code(Client(), member.email).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    unknown = [ask_code(Client(), "ghost@example.org").status_code for _ in range(6)]
    assert unknown == [302] * 5 + [429]


def test_reset_requests_are_rate_limited_per_client_ip_behind_the_proxy(settings, smtp):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    statuses = [
        Client(HTTP_X_FORWARDED_FOR="203.0.113.7").post(RESET, {"email": f"a{i}@example.org"}).status_code
        for i in range(21)
    ]
    assert statuses == [302] * 20 + [429]
    other_client = Client(HTTP_X_FORWARDED_FOR="203.0.113.8").post(RESET, {"email": "b@example.org"})
    assert other_client.status_code == 302
    # A client cannot escape by prepending its own X-Forwarded-For: the proxy's last entry is what counts.
    spoofed = Client(HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7").post(RESET, {"email": "c@example.org"})
    assert spoofed.status_code == 429


def test_reset_email_is_in_the_users_language(client, smtp):
    member = make_member(language="fr")
    ask_code(client, member.email)  # asked from the English page
    mail = mail_to(smtp, member.email)
    assert "code" in mail.text()
    assert "Votre code" in mail.subject or "réinitialis" in mail.text().lower()


def test_weak_password_lists_every_unmet_rule(client, smtp):
    member = make_member()
    ask_code(client, member.email)
    enter_code(client, code_in(mail_to(smtp, member.email)))
    response = set_password(client, "abc")
    html = response.content.decode()
    for message in ("Use at least 12 characters.", "Add an upper-case letter.", "Add a digit.", "Add a symbol"):
        assert message in html
    assert get_user_model().objects.get(pk=member.pk).check_password("Correct-Horse-9battery")
