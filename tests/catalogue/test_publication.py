from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from newsreel.catalogue.models import Kind
from newsreel.publishing import Status

pytestmark = pytest.mark.django_db


def test_embargoed_item_is_invisible_until_its_time_then_appears_by_itself(client, item_factory, clock):
    item = item_factory(status=Status.SCHEDULED, publish_at=clock.now + dt.timedelta(minutes=30))
    url = item.get_absolute_url()

    assert client.get(url).status_code == 404
    assert item.reference not in client.get("/en/media/").content.decode()
    assert item.reference not in client.get("/sitemap.xml").content.decode()

    clock.advance(minutes=31)

    assert client.get(url).status_code == 200
    assert item.reference in client.get("/en/media/").content.decode()
    assert url in client.get("/sitemap.xml").content.decode()


def test_draft_item_is_not_reachable(client, item_factory):
    item = item_factory(status=Status.DRAFT)
    assert client.get(item.get_absolute_url()).status_code == 404


def test_withdrawn_item_leaves_lists_and_its_page_says_so(client, item_factory):
    item = item_factory(status=Status.WITHDRAWN, withdrawn_note_en="Withdrawn at the request of the owner.")
    response = client.get(item.get_absolute_url())
    assert response.status_code == 410
    assert "has been withdrawn" in response.content.decode()
    assert "request of the owner" in response.content.decode()
    assert item.reference not in client.get("/en/media/").content.decode()
    assert item.reference not in client.get("/en/").content.decode()


def test_references_are_sequential_per_type_and_year(item_factory):
    year = timezone.now().year
    first = item_factory(kind=Kind.VIDEO)
    second = item_factory(kind=Kind.VIDEO)
    photo = item_factory(kind=Kind.PHOTO)
    assert first.reference == f"V-{year}-0001"
    assert second.reference == f"V-{year}-0002"
    assert photo.reference == f"P-{year}-0001"
    second.title_en = "Renamed"
    second.save()
    second.refresh_from_db()
    assert second.reference == f"V-{year}-0002"
