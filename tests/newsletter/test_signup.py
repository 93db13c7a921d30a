"""The sign-up form offers the newsletter, unticked; ticking it starts the usual double opt-in."""

from __future__ import annotations

import pytest

from newsreel.newsletter.models import Subscriber, SubscriberStatus
from tests.newsletter.conftest import link_in

pytestmark = pytest.mark.django_db
SIGNUP = "/en/accounts/signup/"
PASSWORD = "Press-pass-2026!"


def _signup(client, **extra):
    return client.post(SIGNUP, {
        "email": "reporter@example.org", "password1": PASSWORD, "password2": PASSWORD, "full_name": "Ada Reporter",
        "organisation": "Example Broadcasting", "role": "broadcaster", "country": "Belgium", "language": "fr",
        "accept_terms": "on", **extra})


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_newsletter_box_on_the_sign_up_form_is_unticked(client):
    html = client.get(SIGNUP).content.decode()
    box = html[html.index('name="newsletter"') - 80: html.index('name="newsletter"') + 80]
    assert 'type="checkbox"' in box and "checked" not in box


def test_sign_up_without_the_box_subscribes_nobody(client, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _signup(client).status_code == 302
    assert not Subscriber.objects.exists()


def test_ticking_the_box_sends_a_confirmation_link_in_the_chosen_language(
        client, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _signup(client, newsletter="on").status_code == 302
    subscriber = Subscriber.objects.get(email="reporter@example.org")
    assert subscriber.status == SubscriberStatus.PENDING and subscriber.user is not None
    newsletter_mail = [m for m in smtp.to("reporter@example.org") if "/newsletter/confirm/" in m.text()]
    assert len(newsletter_mail) == 1 and "Confirmez" in newsletter_mail[0].subject
    client.post(link_in(newsletter_mail[0].text(), "confirm"))
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE and subscriber.language == "fr"
    assert subscriber.topics.count() == 3
