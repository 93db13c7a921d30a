"""Sign-up with a profile and the terms, e-mail confirmed by a code sent over SMTP."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from newsreel.accounts.models import Profile, TermsAcceptance, TermsVersion
from tests.accounts.mail import code_in, mail_to
from tests.factories import make_member

pytestmark = pytest.mark.django_db
SIGNUP = "/en/accounts/signup/"
PASSWORD = "Press-pass-2026!"


def signup_data(**overrides):
    return {
        "email": "reporter@example.org", "password1": PASSWORD, "password2": PASSWORD,
        "full_name": "Ada Reporter", "organisation": "Example Broadcasting", "role": "broadcaster",
        "country": "Belgium", "language": "fr", "accept_terms": "on", **overrides,
    }


def test_signup_confirms_the_address_by_code_and_stores_profile_and_terms(client, smtp):
    terms = TermsVersion.objects.create(version="2026-1", text_en="Terms", text_fr="Conditions")
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/confirm-email/")
    user = get_user_model().objects.get(email="reporter@example.org")
    assert not EmailAddress.objects.get(user=user).verified

    mail = mail_to(smtp, "reporter@example.org")
    assert mail.html()  # plain text and HTML
    page = client.get(response["Location"])
    assert page.status_code == 200
    response = client.post(response["Location"], {"code": code_in(mail)})
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/en/accounts/profile/").status_code == 200

    profile = Profile.objects.get(user=user)
    assert (profile.full_name, profile.organisation, profile.role, profile.language) == (
        "Ada Reporter", "Example Broadcasting", "broadcaster", "fr")
    assert TermsAcceptance.objects.filter(user=user, terms=terms).exists()


def test_signup_requires_accepting_the_terms(client):
    data = signup_data()
    del data["accept_terms"]
    response = client.post(SIGNUP, data)
    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="reporter@example.org").exists()


def test_signup_lists_every_unmet_password_rule_at_once(client):
    response = client.post(SIGNUP, signup_data(password1="short", password2="short"))
    html = response.content.decode()
    for message in ("Use at least 12 characters.", "Add an upper-case letter.", "Add a digit.",
                    "Add a symbol, such as"):
        assert message in html
    assert "Add a lower-case letter." not in html


def test_signup_rejects_a_password_close_to_the_name_or_email(client):
    html = client.post(SIGNUP, signup_data(password1="Reporter-2026!", password2="Reporter-2026!")).content.decode()
    assert "Do not use your name or e-mail address" in html
    html = client.post(SIGNUP, signup_data(full_name="Zebulon Quark", password1="Zebulon-Quark-1",
                                           password2="Zebulon-Quark-1")).content.decode()
    assert "Do not use your name or e-mail address" in html


def test_signup_rejects_a_common_password(client):
    html = client.post(SIGNUP, signup_data(password1="Pe#5gz29ptzmse", password2="Pe#5gz29ptzmse")).content.decode()
    assert "too common" in html


def test_signup_page_states_the_rules_before_typing_and_loads_the_checker(client):
    html = client.get(SIGNUP).content.decode()
    assert 'data-rule="no_symbol"' in html and "At least 12 characters" in html
    assert "/static/accounts/password.js" in html
    assert 'maxlength' not in html.split('id="id_password1"')[1].split(">")[0]  # never truncated by the browser


def test_signup_page_is_in_french(client):
    html = client.get("/fr/accounts/signup/").content.decode()
    assert "Créer un compte" in html and "Au moins 12 caractères" in html


def test_existing_address_cannot_register_twice_and_the_page_does_not_say_so(client, smtp):
    make_member(email="reporter@example.org")
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302  # same as a new address: no enumeration
    assert get_user_model().objects.filter(email="reporter@example.org").count() == 1


def test_signup_code_email_is_in_the_chosen_language(client, smtp):
    client.post(SIGNUP, signup_data(language="fr"))  # from the English page
    mail = mail_to(smtp, "reporter@example.org")
    assert mail.subject.endswith("Confirmez votre adresse e-mail")
    assert "saisissez ce code" in mail.text()
    assert "saisissez ce code" in mail.html()


@pytest.mark.parametrize(("page", "refusal"), [
    ("/en/accounts/signup/", "Your password is too guessable"),
    ("/fr/accounts/signup/", "Votre mot de passe est trop facile à deviner"),
])
def test_signup_refuses_a_guessable_password_that_meets_the_composition_rules(client, page, refusal):
    response = client.post(page, signup_data(password1="Password123!", password2="Password123!"))
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert not get_user_model().objects.filter(email="reporter@example.org").exists()
