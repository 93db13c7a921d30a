"""Deliveries to a real receiver on loopback that checks each signature on its own: once per item, only when
public, only what the saved search matches, retried, logged, and the endpoint disabled when it keeps failing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from newsreel.catalogue.models import Kind
from newsreel.newsletter.models import SavedSearch
from newsreel.publishing import Status
from newsreel.webhooks.models import Attempt, Delivery, DeliveryStatus
from newsreel.webhooks.services import endpoint_rotate_secret
from newsreel.webhooks.tick import webhooks_tick
from tests.factories import make_article, make_item
from tests.webhooks.conftest import endpoint_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


@pytest.fixture
def hook(member, receiver):
    endpoint = endpoint_for(member, receiver.url)
    receiver.secret = endpoint.secret
    return endpoint


def test_published_item_is_delivered_once_with_a_valid_signature(hook, receiver, clock):
    clock.advance(minutes=1)
    item = make_item(title_en="Summit arrivals", title_fr="Arrivées au sommet", kind=Kind.VIDEO,
                     publish_at=clock.now)
    webhooks_tick()
    [request] = receiver.received
    assert request.verified and request.path == "/hook"
    body = request.json()
    assert body["event"] == "item.published" and body["id"] == request.headers["Newsreel-Delivery"]
    data = body["data"]
    assert data["code"] == item.reference and data["id"] == item.pk and data["kind"] == "video"
    assert data["title"] == {"en": "Summit arrivals", "fr": "Arrivées au sommet"}
    assert data["url"]["en"].endswith(f"/en/media/{item.reference}/") or item.reference in data["url"]["en"]
    assert "/fr/" in data["url"]["fr"]
    assert data["api_url"].endswith(f"/api/v1/items/{item.reference}")
    assert data["published_at"].startswith(clock.now.strftime("%Y-%m-%dT%H:%M"))
    assert request.headers["Newsreel-Event"] == "item.published"

    clock.advance(minutes=1)
    webhooks_tick()  # the window overlaps the last one: the item is seen again, and not sent again
    item.title_en = "Summit arrivals (updated)"
    item.save()
    clock.advance(minutes=1)
    webhooks_tick()
    assert len(receiver.received) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1


def test_publishing_delivers_without_waiting_for_the_tick(hook, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(title_en="Breaking")
    [request] = receiver.received
    assert request.verified and request.json()["data"]["code"] == item.reference


def test_articles_are_delivered_too(hook, receiver, clock):
    clock.advance(minutes=1)
    article = make_article(title_en="Communiqué", publish_at=clock.now)
    webhooks_tick()
    [request] = receiver.received
    body = request.json()
    assert body["event"] == "article.published" and body["data"]["code"] == article.slug
    assert body["data"]["api_url"].endswith(f"/api/v1/articles/{article.slug}")


def test_content_public_before_the_endpoint_existed_is_not_sent(member, receiver, clock):
    make_item(title_en="Archive", publish_at=clock.now - dt.timedelta(days=3))
    endpoint_for(member, receiver.url)
    webhooks_tick()
    assert receiver.received == []


def test_embargoed_item_is_delivered_only_when_its_embargo_passes(hook, receiver, clock):
    clock.advance(minutes=1)
    make_item(title_en="Statement", status=Status.SCHEDULED, publish_at=clock.now + dt.timedelta(hours=3))
    make_item(title_en="Draft", status=Status.DRAFT, publish_at=clock.now)
    webhooks_tick()
    clock.advance(hours=2, minutes=59)
    webhooks_tick()
    assert receiver.received == []
    clock.advance(minutes=2)
    webhooks_tick()
    [request] = receiver.received
    assert request.json()["data"]["title"]["en"] == "Statement"
    clock.advance(hours=1)
    webhooks_tick()
    assert len(receiver.received) == 1  # the draft never


def test_saved_search_endpoint_receives_only_matching_items(member, receiver, clock):
    search = SavedSearch.objects.create(user=member, name="Summit videos", query="q=summit&type=video")
    endpoint = endpoint_for(member, receiver.url, saved_search=search)
    receiver.secret = endpoint.secret
    clock.advance(minutes=1)
    wanted = make_item(title_en="Summit arrivals", kind=Kind.VIDEO, publish_at=clock.now)
    make_item(title_en="Summit photos", kind=Kind.PHOTO, publish_at=clock.now)
    make_item(title_en="Harbour visit", kind=Kind.VIDEO, publish_at=clock.now)
    make_article(title_en="Summit communiqué", publish_at=clock.now)
    webhooks_tick()
    assert [r.json()["data"]["code"] for r in receiver.received] == [wanted.reference]


def test_server_error_then_success_is_retried_and_both_attempts_are_logged(hook, receiver, clock, settings):
    receiver.answers = [500]
    clock.advance(minutes=1)
    make_item(title_en="Retry me", publish_at=clock.now)
    webhooks_tick()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at > clock.now  # backing off, not hammering
    webhooks_tick()
    assert len(receiver.received) == 1
    clock.advance(seconds=settings.NEWSREEL_WEBHOOKS_RETRY_BASE)
    webhooks_tick()
    assert len(receiver.received) == 2 and all(r.verified for r in receiver.received)
    assert receiver.received[0].body == receiver.received[1].body  # the same delivery, the same bytes
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    log = list(Attempt.objects.filter(delivery=delivery).order_by("started_at"))
    assert [(a.status_code, a.succeeded) for a in log] == [(500, False), (200, True)]
    assert log[1].response_excerpt == "ok"
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0


def test_retry_after_is_respected(hook, receiver, clock, settings):
    receiver.answers, receiver.retry_after = [429], "900"
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at >= clock.now + dt.timedelta(seconds=900)
    clock.advance(seconds=settings.NEWSREEL_WEBHOOKS_RETRY_BASE)
    webhooks_tick()
    assert len(receiver.received) == 1  # still waiting as asked
    clock.advance(seconds=900)
    webhooks_tick()
    assert len(receiver.received) == 2


def test_a_client_error_is_not_retried_and_redirects_are_not_followed(hook, receiver, clock):
    receiver.answers = [302]
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()
    clock.advance(hours=2)
    webhooks_tick()
    assert [r.path for r in receiver.received] == ["/hook"]
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempt_log.get().status_code == 302


def test_repeated_failure_disables_the_endpoint_and_mails_the_owner(hook, receiver, clock, settings, smtp, client):
    settings.NEWSREEL_WEBHOOKS_DISABLE_AFTER = 3
    receiver.answers = [503] * 10
    clock.advance(minutes=1)
    make_item(title_en="First", publish_at=clock.now)
    make_item(title_en="Second", publish_at=clock.now)
    webhooks_tick()  # two failed attempts
    clock.advance(hours=2)
    webhooks_tick()  # the third disables the endpoint; the fourth is not sent
    assert len(receiver.received) == 3
    hook.refresh_from_db()
    assert not hook.active and "503" in hook.disabled_reason
    [mail] = smtp.wait_for("desk@example.org")
    assert "disabled" in mail.subject and hook.url in mail.text()
    assert reverse("webhooks:endpoint", args=[hook.pk]) in mail.text()
    clock.advance(hours=2)
    webhooks_tick()
    assert len(receiver.received) == 3  # nothing while disabled

    receiver.answers = []
    client.force_login(hook.owner)
    client.post(reverse("webhooks:action", args=[hook.pk]), {"action": "enable"})
    hook.refresh_from_db()
    assert hook.active and hook.consecutive_failures == 0
    webhooks_tick()  # the deliveries still waiting go out
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2
    assert len(smtp.to("desk@example.org")) == 1


def test_a_receiver_too_slow_is_cut_off_at_the_time_limit(hook, receiver, clock, settings):
    settings.NEWSREEL_WEBHOOKS_TIMEOUT = 1
    receiver.delay = 3
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()
    attempt = Attempt.objects.get()
    assert attempt.status_code is None and "within 1 s" in attempt.error
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_a_large_answer_is_read_only_in_part(hook, receiver, clock):
    receiver.response_body = b"x" * 1_000_000
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()
    attempt = Attempt.objects.get()
    assert attempt.succeeded and len(attempt.response_excerpt) == 500


def test_after_rotation_both_secrets_sign_for_a_while(hook, receiver, clock):
    old = hook.secret
    endpoint_rotate_secret(endpoint=hook)
    assert hook.secret != old
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()
    [request] = receiver.received
    assert request.verified  # the receiver still holds the old secret
    assert request.headers["Newsreel-Signature"].count("v1=") == 2
    receiver.secret = hook.secret
    clock.advance(days=2)  # the grace period is over: only the new secret signs
    make_item(publish_at=clock.now)
    webhooks_tick()
    assert receiver.received[-1].verified
    assert receiver.received[-1].headers["Newsreel-Signature"].count("v1=") == 1


def test_the_disabled_notice_is_in_the_owners_language(hook, receiver, clock, settings, smtp):
    settings.NEWSREEL_WEBHOOKS_DISABLE_AFTER = 1
    hook.owner.profile.language = "fr"
    hook.owner.profile.save()
    receiver.answers = [500]
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()
    [mail] = smtp.wait_for("desk@example.org")
    assert "désactivé" in mail.subject and "/fr/accounts/webhooks/" in mail.text()
    assert "Dernière erreur\u00a0:" in mail.text()


def test_an_edit_of_something_long_public_is_not_announced(member, receiver, clock):
    old = make_item(title_en="Archive", publish_at=clock.now - dt.timedelta(days=300))
    clock.advance(minutes=1)
    receiver.secret = endpoint_for(member, receiver.url).secret
    clock.advance(minutes=1)
    old.title_en = "Archive (caption corrected)"
    old.save()
    webhooks_tick()
    assert receiver.received == []


def test_a_draft_written_earlier_is_delivered_when_it_is_published(hook, receiver, clock):
    draft = make_item(title_en="Written last week", status=Status.DRAFT,
                      publish_at=clock.now - dt.timedelta(days=7))
    clock.advance(minutes=5)
    webhooks_tick()
    assert receiver.received == []
    draft.status = Status.PUBLISHED
    draft.save()
    webhooks_tick()
    [request] = receiver.received
    assert request.json()["data"]["code"] == draft.reference


def test_the_log_keeps_finished_deliveries_for_the_configured_days(hook, receiver, clock, settings):
    settings.NEWSREEL_WEBHOOKS_LOG_DAYS = 30
    clock.advance(minutes=1)
    item = make_item(publish_at=clock.now)
    webhooks_tick()
    clock.advance(days=29)
    webhooks_tick()
    assert Delivery.objects.count() == 1 and Attempt.objects.count() == 1
    clock.advance(days=2)
    item.title_en = "Edited long after"
    item.save()
    webhooks_tick()
    assert not Delivery.objects.exists() and not Attempt.objects.exists()
    assert len(receiver.received) == 1  # and the edit did not bring it back
