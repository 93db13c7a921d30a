"""Sending issues through the real SMTP server: language, batches, retries, bounces, scheduling."""

from __future__ import annotations

import sys
import time
from collections import Counter

import pytest
from django.core.mail.backends.smtp import EmailBackend

from newsreel.newsletter.models import DeliveryStatus, IssueStatus, SubscriberStatus
from newsreel.newsletter.sending import IssueStateError, issue_schedule, issue_send
from newsreel.newsletter.tick import newsletter_tick
from tests.factories import make_article, make_item
from tests.newsletter.conftest import make_issue, make_subscriber, make_subscribers

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def send_now(issue):
        with django_capture_on_commit_callbacks(execute=True):
            issue_send(issue=issue, by=None)
        issue.refresh_from_db()
        return issue
    return send_now


def test_french_subscriber_gets_the_french_subject_and_body(smtp, send):
    make_subscriber("anne@example.fr", language="fr")
    make_subscriber("john@example.org", language="en")
    article = make_article(title_en="Summit opens", title_fr="Ouverture du sommet")
    issue = make_issue()
    issue.articles.add(article)
    send(issue)

    [french] = smtp.wait_for("anne@example.fr")
    assert french.subject == "Cette semaine au centre"
    assert "Bonjour lectrices et lecteurs." in french.text() and "Ouverture du sommet" in french.text()
    assert "Ouverture du sommet" in french.html() and "Actualités" in french.html()
    assert "/fr/newsletter/unsubscribe/" in str(french.message["List-Unsubscribe"])
    assert "/fr/news/" in french.html()  # the portal's links in the reader's language, absolute
    [english] = smtp.wait_for("john@example.org")
    assert english.subject == "This week at the centre" and "Summit opens" in english.text()


def test_issue_message_is_multipart_with_absolute_links_and_thumbnails(smtp, send, settings):
    from newsreel.catalogue.models import Rendition, Role

    make_subscriber("reader@example.org")
    item = make_item(title_en="Arrival of delegations")
    thumb = Rendition.objects.create(item=item, role=Role.THUMBNAIL, file="renditions/t.jpg", mime_type="image/jpeg")
    issue = make_issue()
    issue.items.add(item)
    send(issue)
    [mail] = smtp.wait_for("reader@example.org")
    assert mail.message.get_content_type() == "multipart/alternative"
    html = mail.html()
    assert f'src="{settings.SITE_URL}/preview/{thumb.pk}/"' in html
    assert f'href="{settings.SITE_URL}/en/media/{item.reference}/"' in html
    assert "<table" in html and 'style="' in html
    assert mail.message["Message-ID"] == f"<issue-{issue.pk}.{issue.deliveries.get().subscriber_id}@127.0.0.1>"


def test_two_thousand_subscribers_get_it_once_in_batches_over_one_connection_each(
        smtp, send, settings, monkeypatch, caplog, request):
    settings.NEWSLETTER_BATCH_SIZE = 100
    caplog.set_level("WARNING")  # the in-process SMTP server logs every command otherwise
    # Client and server share this process and its GIL: hand it over faster than every 5 ms.
    monkeypatch.setattr(sys, "getswitchinterval", sys.getswitchinterval)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    request.addfinalizer(lambda: sys.setswitchinterval(previous))
    opened = Counter()
    original_open = EmailBackend.open

    def counting_open(self):
        created = original_open(self)
        if created:
            opened["connections"] += 1
        return created

    monkeypatch.setattr(EmailBackend, "open", counting_open)
    subscribers = make_subscribers(2000)
    started = time.perf_counter()
    issue = send(make_issue())
    elapsed = time.perf_counter() - started

    per_recipient = Counter(r.lower() for m in smtp.messages for r in m.recipients)
    assert len(per_recipient) == 2000 and set(per_recipient.values()) == {1}
    assert opened["connections"] == 20
    assert issue.status == IssueStatus.SENT
    assert issue.figures() == {"sent": 2000, "failed": 0, "suspended": 0, "pending": 0, "uncertain": 0,
                               "total": 2000}
    print(f"\n2,000 messages to loopback SMTP in {elapsed:.2f}s: {2000 / elapsed:.0f} messages/s")
    assert set(per_recipient) == {s.email for s in subscribers}


def test_sending_the_same_issue_again_is_refused(smtp, send):
    make_subscriber("reader@example.org")
    issue = send(make_issue())
    with pytest.raises(IssueStateError):
        issue_send(issue=issue, by=None)
    assert len(smtp.to("reader@example.org")) == 1


def test_temporary_failure_is_retried_later_and_delivered_once(smtp, send, clock, settings):
    make_subscriber("busy@example.org")
    make_subscriber("fine@example.org")
    smtp.refuse["busy@example.org"] = 450
    issue = send(make_issue())
    delivery = issue.deliveries.get(subscriber__email="busy@example.org")
    assert delivery.status == DeliveryStatus.DEFERRED and delivery.error.startswith("450")
    assert issue.status == IssueStatus.SENDING and issue.figures()["pending"] == 1
    assert len(smtp.to("fine@example.org")) == 1

    newsletter_tick()  # not due yet: nothing happens
    delivery.refresh_from_db()
    # Not tried again: the server would refuse it anyway, so only the row can tell.
    assert delivery.attempts == 1 and delivery.status == DeliveryStatus.DEFERRED
    clock.advance(seconds=settings.NEWSLETTER_RETRY_BASE + 1)
    newsletter_tick()  # due, still refused: back off twice as long
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == DeliveryStatus.DEFERRED
    assert (delivery.next_attempt_at - clock.now).total_seconds() == pytest.approx(2 * settings.NEWSLETTER_RETRY_BASE)

    del smtp.refuse["busy@example.org"]
    clock.advance(seconds=2 * settings.NEWSLETTER_RETRY_BASE + 1)
    newsletter_tick()
    assert len(smtp.to("busy@example.org")) == 1 and len(smtp.to("fine@example.org")) == 1
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT and issue.figures()["sent"] == 2


def test_temporary_failures_give_up_after_the_last_attempt(smtp, send, clock, settings):
    settings.NEWSLETTER_MAX_ATTEMPTS = 2
    make_subscriber("busy@example.org")
    smtp.refuse["busy@example.org"] = 421
    issue = send(make_issue())
    clock.advance(seconds=settings.NEWSLETTER_RETRY_BASE + 1)
    newsletter_tick()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert issue.figures()["failed"] == 1


def test_permanent_failures_are_recorded_and_the_address_suspended_after_three_issues(smtp, send):
    bad = make_subscriber("gone@example.org")
    make_subscriber("fine@example.org")
    smtp.refuse["gone@example.org"] = 550
    for n in range(3):
        issue = send(make_issue(subject_en=f"Issue {n}"))
        delivery = issue.deliveries.get(subscriber=bad)
        assert delivery.status == DeliveryStatus.FAILED and delivery.error.startswith("550")
        assert issue.figures()["failed"] == 1 and issue.figures()["sent"] == 1
        bad.refresh_from_db()
        assert bad.hard_bounces == n + 1
    assert bad.status == SubscriberStatus.SUSPENDED
    fourth = send(make_issue(subject_en="Issue 4"))
    assert not fourth.deliveries.filter(subscriber=bad).exists()
    assert len(smtp.to("fine@example.org")) == 4


def test_a_delivery_after_a_bounce_resets_the_count(smtp, send):
    reader = make_subscriber("flaky@example.org")
    smtp.refuse["flaky@example.org"] = 550
    send(make_issue())
    reader.refresh_from_db()
    assert reader.hard_bounces == 1  # else there is no count to reset
    del smtp.refuse["flaky@example.org"]
    send(make_issue())
    reader.refresh_from_db()
    assert reader.hard_bounces == 0 and reader.status == SubscriberStatus.ACTIVE


def test_scheduled_issue_goes_out_by_itself(smtp, clock, django_capture_on_commit_callbacks):
    make_subscriber("reader@example.org")
    issue = make_issue()
    with django_capture_on_commit_callbacks(execute=True):
        issue_schedule(issue=issue, send_at=clock.now + __import__("datetime").timedelta(hours=2), by=None)
    newsletter_tick()
    assert smtp.to("reader@example.org") == []
    clock.advance(hours=2, seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_tick()
    assert len(smtp.wait_for("reader@example.org")) == 1
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT


def test_topics_choose_the_recipients(smtp, send, topics):
    make_subscriber("videos@example.org", topics=[topics["videos"]])
    make_subscriber("news@example.org", topics=[topics["news"]])
    make_subscriber("both@example.org", topics=[topics["news"], topics["videos"]])
    issue = make_issue()
    issue.topics.add(topics["videos"])
    send(issue)
    assert sorted(r for m in smtp.messages for r in m.recipients) == ["both@example.org", "videos@example.org"]


def test_everything_published_since_the_last_issue_is_filled_in(smtp, send, clock):
    import datetime as dt

    make_subscriber("reader@example.org")
    make_article(title_en="Old story", publish_at=clock.now - dt.timedelta(days=3))
    send(make_issue())
    clock.advance(hours=1)
    make_article(title_en="Fresh story", publish_at=clock.now - dt.timedelta(minutes=5))
    make_item(title_en="Fresh video", publish_at=clock.now - dt.timedelta(minutes=5))
    make_article(title_en="Embargoed story", publish_at=clock.now + dt.timedelta(days=1))
    issue = send(make_issue(fill_since_last=True))
    text = smtp.to("reader@example.org")[-1].text()
    assert "Fresh story" in text and "Fresh video" in text
    assert "Old story" not in text and "Embargoed story" not in text
    assert list(issue.articles.values_list("title_en", flat=True)) == ["Fresh story"]


def test_sending_works_with_a_non_smtp_backend_too(send, mailoutbox):
    make_subscriber("reader@example.org")
    issue = send(make_issue())
    assert [m.to for m in mailoutbox] == [["reader@example.org"]]
    assert issue.status == IssueStatus.SENT


def test_a_connection_lost_after_the_message_was_handed_over_is_uncertain_not_resent(
        smtp, send, monkeypatch, clock, settings):
    import smtplib

    make_subscriber("a@example.org")
    make_subscriber("b@example.org")
    make_subscriber("c@example.org")
    original = smtplib.SMTP.data

    def data_then_drop(self, msg):
        if b"b@example.org" in msg:
            original(self, msg)  # the server has it...
            self.close()
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")  # ...but we never hear so
        return original(self, msg)

    monkeypatch.setattr(smtplib.SMTP, "data", data_then_drop)
    issue = send(make_issue())
    rows = dict(issue.deliveries.values_list("subscriber__email", "status"))
    assert rows == {"a@example.org": "sent", "b@example.org": "uncertain", "c@example.org": "deferred"}
    monkeypatch.setattr(smtplib.SMTP, "data", original)
    clock.advance(seconds=settings.NEWSLETTER_RETRY_BASE + 1)
    newsletter_tick()
    counts = Counter(r for m in smtp.messages for r in m.recipients)
    assert counts == {"a@example.org": 1, "b@example.org": 1, "c@example.org": 1}
    assert issue.deliveries.get(subscriber__email="b@example.org").status == DeliveryStatus.UNCERTAIN


def test_a_connection_lost_before_the_message_is_retried(smtp, send, monkeypatch, clock, settings):
    import smtplib

    make_subscriber("a@example.org")
    original = smtplib.SMTP.rcpt
    calls = Counter()

    def drop_once(self, *args, **kwargs):
        calls["rcpt"] += 1
        if calls["rcpt"] == 1:
            self.close()
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "rcpt", drop_once)
    issue = send(make_issue())
    assert issue.deliveries.get().status == DeliveryStatus.DEFERRED
    clock.advance(seconds=settings.NEWSLETTER_RETRY_BASE + 1)
    newsletter_tick()
    assert len(smtp.to("a@example.org")) == 1
    assert issue.deliveries.get().status == DeliveryStatus.SENT


def test_an_unsubscribe_during_a_batch_stops_the_rest_of_it(smtp, send, monkeypatch):
    import smtplib

    from newsreel.newsletter.models import Subscriber

    make_subscriber("a@example.org")
    make_subscriber("b@example.org")
    original = smtplib.SMTP.data
    first = []

    def data_and_unsubscribe_the_other(self, msg):
        if not first:
            first.append(next(a for a in ("a@example.org", "b@example.org") if a.encode() in msg))
            # The batch is already claimed: only the re-read just before each message can see this.
            Subscriber.objects.exclude(email=first[0]).update(status=SubscriberStatus.UNSUBSCRIBED)
        return original(self, msg)

    monkeypatch.setattr(smtplib.SMTP, "data", data_and_unsubscribe_the_other)
    issue = send(make_issue())
    [other] = {"a@example.org", "b@example.org"} - set(first)
    assert len(smtp.to(first[0])) == 1 and smtp.to(other) == []
    assert issue.deliveries.get(subscriber__email=other).status == DeliveryStatus.SKIPPED
    assert issue.status == IssueStatus.SENT and issue.figures()["suspended"] == 1


def test_issue_thumbnails_come_from_the_media_origin_when_one_is_set(smtp, send, settings):
    from newsreel.catalogue.models import Rendition, Role

    settings.NEWSREEL_MEDIA_ORIGIN = "https://files.example-media.net"
    make_subscriber("reader@example.org")
    item = make_item(title_en="Arrival of delegations")
    thumb = Rendition.objects.create(item=item, role=Role.THUMBNAIL, file="renditions/t.jpg", mime_type="image/jpeg")
    issue = make_issue()
    issue.items.add(item)
    send(issue)
    [mail] = smtp.wait_for("reader@example.org")
    assert f'src="https://files.example-media.net/preview/{thumb.pk}/"' in mail.html()
