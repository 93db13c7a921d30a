"""Preferences without an account and RFC 8058 one-click unsubscribe, as mail clients do it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from newsreel.newsletter.models import DeliveryStatus, Subscriber, SubscriberStatus
from newsreel.newsletter.sending import issue_send
from newsreel.newsletter.tokens import manage_token
from tests.newsletter.conftest import link_in, make_issue, make_subscriber

pytestmark = pytest.mark.django_db


def _receive_issue(smtp, django_capture_on_commit_callbacks, address: str, **issue_fields):
    issue = make_issue(**issue_fields)
    with django_capture_on_commit_callbacks(execute=True):
        issue_send(issue=issue, by=None)
    return issue, smtp.wait_for(address)[-1]


def test_every_issue_carries_one_click_unsubscribe_headers(smtp, django_capture_on_commit_callbacks):
    make_subscriber("reader@example.org")
    _issue, mail = _receive_issue(smtp, django_capture_on_commit_callbacks, "reader@example.org")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(mail.message["List-Unsubscribe"]).strip()  # long headers may be folded
    assert header.startswith("<http://") and header.endswith(">")
    assert "/en/newsletter/unsubscribe/" in header
    assert link_in(mail.html(), "unsubscribe") in header and link_in(mail.text(), "preferences")


def test_one_click_post_from_a_mail_client_unsubscribes_without_cookies_or_csrf_token(
        smtp, django_capture_on_commit_callbacks):
    subscriber = make_subscriber("reader@example.org")
    _issue, mail = _receive_issue(smtp, django_capture_on_commit_callbacks, "reader@example.org")
    url = str(mail.message["List-Unsubscribe"]).strip().strip("<>")
    mail_client = Client(enforce_csrf_checks=True)  # no session, no CSRF cookie: what a mail client has
    response = mail_client.post(url.removeprefix("http://127.0.0.1:8000"), data="List-Unsubscribe=One-Click",
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED

    # Unsubscribed means no further mail, from the very next issue on.
    smtp.clear()
    issue = make_issue(subject_en="Next week")
    with django_capture_on_commit_callbacks(execute=True):
        issue_send(issue=issue, by=None)
    assert smtp.to("reader@example.org") == []
    assert not issue.deliveries.filter(status=DeliveryStatus.SENT).exists()


def test_get_on_the_unsubscribe_link_only_asks(client, db):
    subscriber = make_subscriber("reader@example.org")
    path = reverse("newsletter:unsubscribe", args=[manage_token(subscriber)])
    response = client.get(path)
    assert response.status_code == 200 and b'method="post"' in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE


def test_csrf_is_still_required_on_the_preferences_form(db):
    subscriber = make_subscriber("reader@example.org")
    path = reverse("newsletter:manage", args=[manage_token(subscriber)])
    response = Client(enforce_csrf_checks=True).post(path, {"language": "fr"})
    assert response.status_code == 403


def test_a_forged_or_revoked_link_does_nothing(client, db):
    subscriber = make_subscriber("reader@example.org")
    token = manage_token(subscriber)
    assert client.post(reverse("newsletter:unsubscribe", args=[token[:-3] + "abc"])).status_code == 404
    Subscriber.objects.filter(pk=subscriber.pk).update(key="rotated")
    assert client.post(reverse("newsletter:unsubscribe", args=[token])).status_code == 404
    assert Subscriber.objects.get(pk=subscriber.pk).status == SubscriberStatus.ACTIVE


def test_preferences_change_without_an_account(client, topics, db):
    subscriber = make_subscriber("reader@example.org", topics=[topics["news"]])
    path = reverse("newsletter:manage", args=[manage_token(subscriber)])
    page = client.get(path)
    assert page.status_code == 200 and b"reader@example.org" in page.content
    response = client.post(path, {"language": "fr", "topics": [topics["photos"].pk, topics["videos"].pk]})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.language == "fr"
    assert set(subscriber.topics.values_list("slug", flat=True)) == {"photos", "videos"}
