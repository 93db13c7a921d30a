"""Webhook endpoints through the API: the owner's only, through newsreel.webhooks' services and their checks."""

from __future__ import annotations

from typing import Any

import pytest

from newsreel.accounts.models import TermsVersion
from newsreel.newsletter.models import SavedSearch
from newsreel.webhooks.models import Endpoint
from tests.api.actions import ActionClient, actions_for
from tests.downloads.conftest import make_licensee
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def terms(db: Any) -> TermsVersion:
    return TermsVersion.objects.create(version="2026-1", text_en="Credit the source.", text_fr="Citez la source.")


@pytest.fixture
def owner() -> Any:
    return make_licensee()


def test_an_owner_adds_reads_rotates_and_removes_an_endpoint(owner, settings):
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True
    search = SavedSearch.objects.create(user=owner, name="Summits", query="q=summit")
    client = actions_for(owner)  # a read token
    made = client.post("/webhooks", {"url": "http://127.0.0.1:8799/hook", "saved_search": search.pk,
                                     "description": "newsroom"})
    assert made.status_code == 201, made.content
    endpoint = made.json()
    assert made["Location"] == endpoint["self"] and endpoint["secret"]
    stored = Endpoint.objects.get()
    assert (stored.owner, stored.url, stored.saved_search, stored.secret) == (
        owner, "http://127.0.0.1:8799/hook", search, endpoint["secret"])
    listed = client.get("/webhooks").json()["results"]
    assert [row["id"] for row in listed] == [endpoint["id"]] and listed[0]["secret"] is None
    rotated = client.post(f"/webhooks/{endpoint['id']}/rotate").json()
    stored.refresh_from_db()
    assert rotated["secret"] == stored.secret != endpoint["secret"] == stored.previous_secret
    changed = client.client.put(f"/api/v1/webhooks/{endpoint['id']}", '{"url": "http://127.0.0.1:8799/other"}',
                                content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {client.token}")
    assert changed.status_code == 200 and changed.json()["saved_search"] is None
    assert client.delete(f"/webhooks/{endpoint['id']}").status_code == 204
    assert not Endpoint.objects.exists()


def test_private_addresses_are_refused_in_production_settings(owner, settings):
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = False
    response = actions_for(owner).post("/webhooks", {"url": "http://127.0.0.1/hook"})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["loc"][-1] == "url" and error["type"] == "unsafe_url"
    assert not Endpoint.objects.exists()


def test_someone_elses_endpoint_and_saved_search_are_not_found(owner, settings):
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True
    other = make_licensee()
    theirs = SavedSearch.objects.create(user=other, name="Theirs", query="q=x")
    endpoint = actions_for(other).post("/webhooks", {"url": "http://127.0.0.1:8799/hook"}).json()
    mine = actions_for(owner)
    for call in (lambda: mine.get(f"/webhooks/{endpoint['id']}"), lambda: mine.delete(f"/webhooks/{endpoint['id']}"),
                 lambda: mine.post(f"/webhooks/{endpoint['id']}/rotate")):
        assert call().status_code == 404
    refused = mine.post("/webhooks", {"url": "http://127.0.0.1:8799/hook", "saved_search": theirs.pk})
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"][-1] == "saved_search"
    assert Endpoint.objects.count() == 1


def test_webhooks_need_a_token_and_the_accounts_standing(settings):
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True
    assert ActionClient().get("/webhooks").status_code == 401
    no_terms = actions_for(make_member()).post("/webhooks", {"url": "http://127.0.0.1:8799/hook"})
    assert no_terms.status_code == 403 and no_terms.json()["code"] == "terms_not_accepted"
    assert not Endpoint.objects.exists()


def test_the_pages_limit_on_endpoints_holds(owner, settings):
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True
    client = actions_for(owner)
    for n in range(20):
        assert client.post("/webhooks", {"url": f"http://127.0.0.1:8799/{n}"}).status_code == 201
    refused = client.post("/webhooks", {"url": "http://127.0.0.1:8799/more"})
    assert refused.status_code == 422 and refused.json()["code"] == "too_many_endpoints"
