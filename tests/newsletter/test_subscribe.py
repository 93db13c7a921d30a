"""Subscribing: double opt-in through a real SMTP server, expiry, no address enumeration, abuse guards."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from newsreel.newsletter.models import Subscriber, SubscriberStatus
from newsreel.newsletter.sending import issue_send
from tests.newsletter.conftest import link_in, make_issue, make_subscriber

pytestmark = pytest.mark.django_db


def _subscribe(client: Client, clock, email: str, *, language: str = "en", topics=(), meta=None, **extra) -> object:
    page = client.get(reverse("newsletter:subscribe"))
    token = page.context["form"].initial["token"]
    clock.advance(seconds=5)  # a person takes a few seconds to fill the form in
    data = {"email": email, "language": language, "topics": [t.pk for t in topics], "token": token, "website": ""}
    data.update(extra)
    return client.post(reverse("newsletter:subscribe"), data, **(meta or {}))


def test_subscribe_sends_only_the_confirmation_until_the_address_is_confirmed(
        client, smtp, clock, topics, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, clock, "Ada@Example.org", language="fr", topics=[topics["videos"]])
    assert response.status_code == 302 and response.url == reverse("newsletter:sent")
    subscriber = Subscriber.objects.get(email="ada@example.org")
    assert subscriber.status == SubscriberStatus.PENDING

    [confirmation] = smtp.wait_for("ada@example.org")
    assert "Confirmez" in confirmation.subject  # in the language chosen on the form
    assert "cliquez sur le bouton ci-dessous" in confirmation.text()

    # An issue sent now does not reach the unconfirmed address.
    with django_capture_on_commit_callbacks(execute=True):
        issue_send(issue=make_issue(), by=None)
    assert len(smtp.to("ada@example.org")) == 1

    confirm_path = link_in(confirmation.text(), "confirm")
    assert client.get(confirm_path).status_code == 200  # a link scanner's GET confirms nothing
    assert Subscriber.objects.get(pk=subscriber.pk).status == SubscriberStatus.PENDING
    assert client.post(confirm_path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE
    assert subscriber.language == "fr"
    assert list(subscriber.topics.all()) == [topics["videos"]]

    with django_capture_on_commit_callbacks(execute=True):
        issue_send(issue=make_issue(), by=None)
    assert [m.subject for m in smtp.to("ada@example.org")][1] == "Cette semaine au centre"


def test_expired_confirmation_link_is_refused(client, smtp, clock, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, clock, "late@example.org")
    path = link_in(smtp.wait_for("late@example.org")[0].text(), "confirm")
    clock.advance(seconds=settings.NEWSLETTER_CONFIRM_MAX_AGE + 60)
    response = client.post(path)
    assert response.status_code == 410
    assert Subscriber.objects.get(email="late@example.org").status == SubscriberStatus.PENDING


def test_tampered_confirmation_link_is_refused(client, smtp, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, clock, "tamper@example.org")
    path = link_in(smtp.wait_for("tamper@example.org")[0].text(), "confirm")
    assert client.post(path[:-6] + "AAAAA/").status_code == 404


def test_the_answer_does_not_reveal_whether_an_address_is_subscribed(
        client, smtp, clock, topics, django_capture_on_commit_callbacks):
    known = make_subscriber("known@example.org", language="en", topics=[topics["news"]])
    with django_capture_on_commit_callbacks(execute=True):
        new = _subscribe(client, clock, "new@example.org")
        again = _subscribe(client, clock, "known@example.org", language="fr", topics=[topics["photos"]])
    assert (new.status_code, new.url) == (again.status_code, again.url)
    assert client.get(new.url).content == client.get(again.url).content
    # The real owner is told, and a stranger's request changed nothing.
    [notice] = smtp.wait_for("known@example.org")
    assert "already subscribed" in notice.text()
    known.refresh_from_db()
    assert known.language == "en" and list(known.topics.all()) == [topics["news"]]


def test_honeypot_or_too_fast_form_sends_nothing_and_asks_to_confirm(
        client, smtp, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        trapped = _subscribe(client, clock, "bot1@example.org", website="http://spam.example")
        page = client.get(reverse("newsletter:subscribe"))
        hasty = client.post(reverse("newsletter:subscribe"), {
            "email": "bot2@example.org", "language": "en", "token": page.context["form"].initial["token"]})
        forged = client.post(reverse("newsletter:subscribe"), {
            "email": "bot3@example.org", "language": "en", "token": "1700000000:forged"})
        # A copied form token is not a confirmation: that has its own signature.
        copied = client.post(reverse("newsletter:subscribe"), {
            "email": "bot4@example.org", "language": "en", "token": "x",
            "confirmed": page.context["form"].initial["token"]})
    for response in (trapped, hasty, forged, copied):
        assert response.status_code == 200
        assert "Please confirm you want to subscribe" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert smtp.messages == []


def test_confirming_after_a_tripped_trap_sends_the_confirmation_mail(
        client, smtp, django_capture_on_commit_callbacks):
    page = client.get(reverse("newsletter:subscribe"))
    hasty = client.post(reverse("newsletter:subscribe"), {
        "email": "quick@example.org", "language": "fr", "token": page.context["form"].initial["token"]})
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("newsletter:subscribe"), {
            "email": "quick@example.org", "language": "fr", "token": page.context["form"].initial["token"],
            "confirmed": hasty.context["human_token"]})
    assert confirmed.status_code == 302 and confirmed.url == reverse("newsletter:sent")
    assert len(smtp.wait_for("quick@example.org")) == 1


def test_subscribe_requests_are_rate_limited_per_address_and_per_ip(
        client, smtp, clock, settings, django_capture_on_commit_callbacks):
    settings.NEWSLETTER_RATE_PER_ADDRESS = 2
    settings.NEWSLETTER_RATE_PER_IP = 4
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert _subscribe(client, clock, "victim@example.org").status_code == 302
    assert len(smtp.to("victim@example.org")) == 2  # the form cannot flood someone's mailbox

    assert _subscribe(client, clock, "other@example.org").status_code == 302
    assert _subscribe(client, clock, "third@example.org").status_code == 429  # fifth request from this IP
    assert _subscribe(client, clock, "fourth@example.org", meta={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302


def test_every_page_has_a_subscribe_form_in_the_footer(client, db):
    page = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("newsletter:subscribe")}"' in page
    prefilled = client.get(reverse("newsletter:subscribe"), {"email": "me@example.org"})
    assert prefilled.context["form"].initial["email"] == "me@example.org"


def test_subscribe_page_follows_the_content_security_policy(client, db):
    page = client.get(reverse("newsletter:subscribe"))
    html = page.content.decode()
    assert "<script" not in html and "style=" not in html


def _unsubscribe_in_one_click(smtp, django_capture_on_commit_callbacks, address: str) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issue_send(issue=make_issue(), by=None)
    url = str(smtp.wait_for(address)[-1].message["List-Unsubscribe"]).strip().strip("<>")
    response = Client(enforce_csrf_checks=True).post(url.removeprefix("http://127.0.0.1:8000"),
                                                    data="List-Unsubscribe=One-Click",
                                                    content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def test_a_confirmation_link_works_once_and_not_after_unsubscribing(
        client, smtp, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, clock, "once@example.org")
    path = link_in(smtp.wait_for("once@example.org")[0].text(), "confirm")
    assert client.post(path).status_code == 200
    assert Subscriber.objects.get(email="once@example.org").status == SubscriberStatus.ACTIVE

    _unsubscribe_in_one_click(smtp, django_capture_on_commit_callbacks, "once@example.org")
    assert Subscriber.objects.get(email="once@example.org").status == SubscriberStatus.UNSUBSCRIBED

    # The old link, posted again (by its owner, a scanner or whoever kept the mail), subscribes nobody.
    for method in (Client().get, Client().post):
        response = method(path)
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
    assert Subscriber.objects.get(email="once@example.org").status == SubscriberStatus.UNSUBSCRIBED

    # Subscribing again goes through a fresh confirmation, which works (once).
    clock.advance(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(Client(), clock, "once@example.org")
    fresh = link_in(smtp.wait_for("once@example.org", 3)[-1].text(), "confirm")
    assert fresh != path
    assert client.post(fresh).status_code == 200
    assert Subscriber.objects.get(email="once@example.org").status == SubscriberStatus.ACTIVE
    assert client.post(fresh).status_code == 410


def test_confirming_voids_the_other_links_sent_before(client, smtp, clock, django_capture_on_commit_callbacks):
    for _ in range(2):
        clock.advance(seconds=1)
        with django_capture_on_commit_callbacks(execute=True):
            _subscribe(Client(), clock, "twice@example.org")
    first, second = (link_in(m.text(), "confirm") for m in smtp.wait_for("twice@example.org", 2))
    assert client.post(second).status_code == 200
    assert client.post(first).status_code == 410

