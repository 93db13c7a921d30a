"""Saved-search alerts: new matches by e-mail, once each, at the chosen frequency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsreel.catalogue.models import Kind
from newsreel.newsletter.alerts import alerts_run_due
from newsreel.newsletter.models import Frequency, SavedSearch
from newsreel.publishing import Status
from tests.factories import make_article, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def journalist(db):
    return get_user_model().objects.create_user("jo", "jo@example.org", "pw-long-enough-1")


def _saved(user, query: str, frequency: str = Frequency.DAILY, language: str = "en") -> SavedSearch:
    return SavedSearch.objects.create(user=user, name="Summit", query=query, frequency=frequency, language=language)


def test_daily_alert_sends_new_matches_once(journalist, smtp, clock):
    saved = _saved(journalist, "q=summit&type=video")
    clock.advance(minutes=1)
    make_item(title_en="Summit arrivals", kind=Kind.VIDEO, publish_at=clock.now)
    make_item(title_en="Summit photos", kind=Kind.PHOTO, publish_at=clock.now)  # not the type asked for
    make_item(title_en="Harbour visit", kind=Kind.VIDEO, publish_at=clock.now)  # not the words asked for
    make_article(title_en="Summit communiqué", publish_at=clock.now)  # not the type asked for

    assert alerts_run_due() == 1
    [mail] = smtp.wait_for("jo@example.org")
    assert "1 new result" in mail.subject
    assert "Summit arrivals" in mail.text() and "Summit photos" not in mail.text()
    assert "Harbour" not in mail.text() and "communiqué" not in mail.text()

    assert alerts_run_due() == 0  # a daily alert waits a day
    clock.advance(days=1, minutes=1)
    assert alerts_run_due() == 0  # nothing new: no mail
    make_item(title_en="Summit closing", kind=Kind.VIDEO, publish_at=clock.now)
    clock.advance(days=1, minutes=1)
    assert alerts_run_due() == 1
    assert "Summit closing" in smtp.to("jo@example.org")[-1].text()
    assert "Summit arrivals" not in smtp.to("jo@example.org")[-1].text()  # alerted once only
    saved.refresh_from_db()
    assert saved.hits.count() == 2


def test_items_already_there_when_the_search_is_saved_are_not_alerted(journalist, smtp, clock):
    make_item(title_en="Summit archive", publish_at=clock.now - dt.timedelta(days=30))
    _saved(journalist, "q=summit", frequency=Frequency.IMMEDIATE)
    assert alerts_run_due() == 0
    assert smtp.messages == []


def test_embargoed_item_is_alerted_when_its_embargo_passes(journalist, smtp, clock):
    _saved(journalist, "q=summit", frequency=Frequency.IMMEDIATE)
    make_item(title_en="Summit statement", status=Status.SCHEDULED, publish_at=clock.now + dt.timedelta(hours=3))
    clock.advance(minutes=1)
    assert alerts_run_due() == 0
    clock.advance(hours=3)
    assert alerts_run_due() == 1


def test_alert_arrives_in_the_chosen_language(journalist, smtp, clock):
    _saved(journalist, "q=sommet", frequency=Frequency.IMMEDIATE, language="fr")
    clock.advance(minutes=1)
    make_item(title_en="Summit", title_fr="Ouverture du sommet", publish_at=clock.now)
    alerts_run_due()
    [mail] = smtp.wait_for("jo@example.org")
    assert "nouveau résultat" in mail.subject and "Ouverture du sommet" in mail.text()
    assert "/fr/media/" in mail.html()


def test_signed_in_user_saves_a_search_and_changes_its_frequency(client, journalist):
    client.force_login(journalist)
    page = client.get(reverse("newsletter:alerts"), {"query": "q=summit&type=video"})
    assert page.status_code == 200 and b"q=summit&amp;type=video" in page.content
    client.post(reverse("newsletter:alerts"), {"name": "Summit videos", "query": "q=summit&type=video",
                                                "frequency": "weekly", "language": "en"})
    saved = SavedSearch.objects.get(user=journalist)
    assert (saved.name, saved.query, saved.frequency) == ("Summit videos", "q=summit&type=video", "weekly")
    client.post(reverse("newsletter:alert", args=[saved.pk]), {"frequency": "immediate", "active": "1"})
    saved.refresh_from_db()
    assert saved.frequency == "immediate" and saved.active


def test_alerts_need_an_account(client, db):
    response = client.get(reverse("newsletter:alerts"))
    assert response.status_code == 302


def test_nobody_edits_someone_elses_alert(client, journalist):
    other = get_user_model().objects.create_user("al", "al@example.org", "pw-long-enough-1")
    saved = _saved(other, "q=x")
    client.force_login(journalist)
    assert client.post(reverse("newsletter:alert", args=[saved.pk]), {"action": "delete"}).status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_alerts_follow_the_search_pages_rules(journalist, smtp, clock):
    from newsreel.catalogue.models import Tag

    _saved(journalist, "q=summit&tag=nato-summit", frequency=Frequency.IMMEDIATE)
    clock.advance(minutes=1)
    tag = Tag.objects.create(slug="nato-summit", name_en="Summit", name_fr="Sommet")
    tagged = make_item(title_en="Summit family photo", kind=Kind.PHOTO, publish_at=clock.now)
    tagged.tags.add(tag)
    tagged.save()  # reindexed with its tag
    make_item(title_en="Summit untagged", kind=Kind.PHOTO, publish_at=clock.now)
    assert alerts_run_due() == 1
    text = smtp.wait_for("jo@example.org")[0].text()
    assert "Summit family photo" in text and "untagged" not in text


def test_search_page_links_to_saving_the_search_with_alerts(client, journalist):
    client.force_login(journalist)
    page = client.get(reverse("search:search"), {"q": "summit", "type": "video"}).content.decode()
    link = reverse("newsletter:alerts") + "?query=q%3Dsummit%26type%3Dvideo&amp;name=summit"
    assert link in page
    form = client.get(reverse("newsletter:alerts"), {"query": "q=summit&type=video", "name": "summit"})
    assert form.context["form"].initial["query"] == "q=summit&type=video"
