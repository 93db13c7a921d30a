"""API clients with tokens; items with real renditions (ingested from the generated test media) for the feed and
NewsML tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, TestCase

from newsreel.api.tokens import token_create
from newsreel.catalogue.models import Person, Tag
from newsreel.ingest.services import ingest_file
from tests.factories import make_event, make_item


class ApiClient:
    """A Django test client that speaks to /api/v1/ with an optional bearer token."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def get(self, path: str, **extra: Any) -> Any:
        if self.token:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return self.client.get(f"/api/v1{path}", **extra)


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


def client_for(user: Any, scopes: tuple[str, ...] = ("read",)) -> ApiClient:
    _token, raw = token_create(user=user, name="test", scopes=scopes)
    return ApiClient(raw)


def ingested(source: Any, **fields: Any) -> Any:
    item = make_item(**fields)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the ingest task runs after the commit
        job = ingest_file(item=item, source=source)
    job.refresh_from_db()
    assert job.status == "done", job.message
    item.refresh_from_db()
    return item


@pytest.fixture
def video(db: Any, small_video: Any) -> Any:
    """A published video with renditions, a two-line shotlist, tags, a person, an event and a place."""
    event = make_event(slug="summit-2026", title_en="Summit 2026", title_fr="Sommet 2026")
    item = ingested(small_video, title_en="Leaders arrive", title_fr="Arrivée des dirigeants",
                    summary_en="The leaders arrive.", summary_fr="Les dirigeants arrivent.",
                    description_en="Wide and close shots.", description_fr="Plans larges et serrés.",
                    location_en="Brussels", location_fr="Bruxelles", credit="© Alliance", copyright="Alliance 2026",
                    terms_en="Free for news use.", terms_fr="Libre pour l'information.", event=event,
                    access="open")
    item.shots.create(position=1, tc_in="00:00:00:00", tc_out="00:00:01:12", description_en="Cars arrive",
                      description_fr="Les voitures arrivent")
    item.shots.create(position=2, tc_in="00:00:01:12", tc_out="00:00:02:20", description_en="Handshake",
                      description_fr="Poignée de main")
    item.tags.add(Tag.objects.create(slug="defence", name_en="Defence", name_fr="Défense"))
    item.people.add(Person.objects.create(slug="jane-doe", name="Jane Doe"))
    return item


@pytest.fixture
def photo(db: Any, small_photo: Any) -> Any:
    return ingested(small_photo, kind="photo", frame_rate="", title_en="Handshake photo",
                    title_fr="Photo de la poignée de main", credit="© Photo desk")
