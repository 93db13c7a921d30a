"""Sign out, change password (with the current one), change e-mail (re-verified), profile, delete account."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from newsreel.accounts.models import Profile
from tests.accounts.mail import code_in, mail_to
from tests.factories import make_member

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-Horse-9battery"
NEW = "Another-Horse-8staple!"


@pytest.fixture
def member_client(client):
    member = make_member()
    client.post("/en/accounts/login/", {"login": member.email, "password": PASSWORD})
    client.member = member
    return client


def test_change_password_needs_the_current_one(member_client):
    response = member_client.post("/en/accounts/password/change/",
                                  {"oldpassword": "wrong-Password-1!", "password1": NEW, "password2": NEW})
    assert response.status_code == 200
    member = get_user_model().objects.get(pk=member_client.member.pk)
    assert member.check_password(PASSWORD)
    response = member_client.post("/en/accounts/password/change/",
                                  {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW)


def test_change_password_applies_the_policy(member_client):
    html = member_client.post("/en/accounts/password/change/",
                              {"oldpassword": PASSWORD, "password1": "alllowercase", "password2": "alllowercase"},
                              ).content.decode()
    assert "Add an upper-case letter." in html and "Add a digit." in html and "Add a symbol" in html


def test_changed_email_is_used_only_after_it_is_verified(member_client, smtp):
    old = member_client.member.email
    response = member_client.post("/en/accounts/email/", {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert smtp.to("new@example.org") == []  # nothing happens before the password is entered again
    member_client.post(response["Location"], {"password": PASSWORD})
    mail = mail_to(smtp, "new@example.org")
    assert EmailAddress.objects.get_primary(member_client.member).email == old
    response = member_client.post("/en/accounts/confirm-email/", {"code": code_in(mail)})
    assert response.status_code == 302
    member = get_user_model().objects.get(pk=member_client.member.pk)
    assert member.email == "new@example.org"
    assert EmailAddress.objects.get(user=member, email="new@example.org").verified


def test_profile_can_be_edited(member_client):
    response = member_client.post("/en/accounts/profile/", {
        "full_name": "New Name", "organisation": "Other Outlet", "role": "producer", "country": "France",
        "language": "fr"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=member_client.member)
    assert (profile.full_name, profile.role, profile.language) == ("New Name", "producer", "fr")


def test_sign_out(member_client):
    response = member_client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert member_client.get("/en/accounts/profile/").status_code == 302


def test_delete_account_removes_user_and_profile(member_client):
    member_id = member_client.member.pk
    page = member_client.get("/en/accounts/delete/")
    assert page.status_code == 302 and "/accounts/reauthenticate/" in page["Location"]  # password asked again
    again = member_client.post(page["Location"], {"password": PASSWORD})
    assert again["Location"] == "/en/accounts/delete/"
    assert member_client.post("/en/accounts/delete/", {}).status_code == 200  # box unticked
    response = member_client.post("/en/accounts/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=member_id).exists()
    assert not Profile.objects.filter(user_id=member_id).exists()


def test_header_links_carry_the_current_page(client):
    html = client.get("/en/media/?type=video").content.decode()
    assert 'href="/en/accounts/login/?next=/en/media/%3Ftype%3Dvideo"' in html
