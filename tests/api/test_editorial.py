"""Editorial writes through the API: staff tokens with the editorial scope create and change items and articles,
validated by the models' own rules; everyone else is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from newsreel.api.models import ApiToken
from newsreel.catalogue.models import Item
from newsreel.news.models import Article
from tests.api.actions import ActionClient, actions_for
from tests.factories import make_event, make_item, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Any:
    return make_member(is_staff=True)


@pytest.fixture
def editor(staff: Any) -> ActionClient:
    return actions_for(staff, "editorial")


def test_staff_create_an_embargoed_bilingual_item_that_appears_when_the_embargo_ends(editor, clock):
    make_event(slug="summit")
    later = timezone.now() + dt.timedelta(hours=2)
    made = editor.post("/editorial/items", {
        "kind": "video", "title": {"en": "Leaders arrive", "fr": "Arrivée des dirigeants"},
        "summary": {"en": "They arrive."}, "status": "scheduled", "publish_at": later.isoformat(),
        "access": "open", "event": "summit", "credit": "© Alliance"})
    assert made.status_code == 201, made.content
    body = made.json()
    item = Item.objects.get()
    assert made["Location"].endswith(f"/api/v1/editorial/items/{item.reference}")
    assert (item.title_en, item.title_fr, item.summary_en, item.status, item.access, item.event.slug) == (
        "Leaders arrive", "Arrivée des dirigeants", "They arrive.", "scheduled", "open", "summit")
    assert body["reference"] == item.reference and body["visible"] is False
    public = ActionClient()
    assert public.get(f"/items/{item.reference}").status_code == 404  # embargoed
    clock.now = later + dt.timedelta(seconds=1)
    assert public.get(f"/items/{item.reference}").status_code == 200


def test_staff_change_only_the_fields_they_send(editor):
    item = make_item(title_en="Old", title_fr="Ancien", access="registered")
    changed = editor.patch(f"/editorial/items/{item.reference}", {"title": {"fr": "Nouveau"}, "access": "open",
                                                                 "status": "withdrawn",
                                                                 "withdrawn_note": {"en": "Wrong date."}})
    assert changed.status_code == 200, changed.content
    item.refresh_from_db()
    assert (item.title_en, item.title_fr, item.access, item.status, item.withdrawn_note_en) == (
        "Old", "Nouveau", "open", "withdrawn", "Wrong date.")
    assert ActionClient().get(f"/items/{item.reference}").status_code == 410


@pytest.mark.parametrize(("payload", "loc"), [
    ({"kind": "video", "title": {"en": " ", "fr": ""}}, ["body", "payload"]),
    ({"kind": "video", "title": {"en": "T"}, "frame_rate": "fast"}, ["body", "payload", "frame_rate"]),
    ({"kind": "video", "title": {"en": "T"}, "event": "no-such-event"}, ["body", "payload", "event"]),
    ({"kind": "film", "title": {"en": "T"}}, ["body", "payload", "kind"]),
    ({"kind": "video", "title": {"en": "T"}, "publish_at": "2026-05-01T10:00:00"}, ["body", "payload", "publish_at"]),
    ({"kind": "video", "title": {"en": "x" * 251}}, ["body", "payload", "title", "en"]),
])
def test_invalid_writes_are_refused_field_by_field(editor, payload, loc):
    response = editor.post("/editorial/items", payload)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_request" and body["errors"][0]["loc"] == loc
    assert not Item.objects.exists()


def test_staff_create_and_change_an_article_with_related_media(editor):
    item = make_item()
    made = editor.post("/editorial/articles", {
        "slug": "summit-opens", "type": "press_release", "title": {"en": "Summit opens", "fr": "Le sommet s'ouvre"},
        "body": {"en": "<p>Today.</p><script>alert(1)</script>", "fr": "<p>Aujourd'hui.</p>"},
        "status": "published", "related_items": [item.reference]})
    assert made.status_code == 201, made.content
    article = Article.objects.get()
    assert "<script>" not in article.body_en and "Today." in article.body_en
    assert list(article.related_items.all()) == [item]
    assert ActionClient().get("/articles/summit-opens").status_code == 200
    again = editor.post("/editorial/articles", {"slug": "summit-opens", "title": {"en": "Twice"}})
    assert again.status_code == 422 and again.json()["errors"][0]["loc"][-1] == "slug"
    missing = editor.patch("/editorial/articles/summit-opens", {"related_items": ["V-1999-0001"]})
    assert missing.status_code == 422 and "V-1999-0001" in missing.json()["errors"][0]["message"]
    assert editor.patch("/editorial/articles/summit-opens", {"status": "draft"}).status_code == 200
    assert ActionClient().get("/articles/summit-opens").status_code == 404


def test_only_staff_tokens_with_the_editorial_scope_write(staff):
    payload = {"kind": "video", "title": {"en": "T"}}
    assert ActionClient().post("/editorial/items", payload).status_code == 401
    read_only = actions_for(staff, "read", "download").post("/editorial/items", payload)
    assert read_only.status_code == 403 and read_only.json()["code"] == "insufficient_scope"
    # A token made while its owner was staff writes no more once they are not.
    former = make_member(is_staff=True)
    client = actions_for(former, "editorial")
    former.is_staff = False
    former.save()
    refused = client.post("/editorial/items", payload)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    assert client.get(f"/editorial/items/{make_item().reference}").status_code == 403
    assert ApiToken.objects.filter(user=former, scopes__contains="editorial").exists()
    assert not Item.objects.filter(title_en="T").exists()


def test_drafts_are_read_by_editors_only(editor):
    draft = make_item(status="draft")
    assert editor.get(f"/editorial/items/{draft.reference}").json()["status"] == "draft"
    member = actions_for(make_member(), "download")
    assert member.get(f"/editorial/items/{draft.reference}").status_code == 403
    assert editor.get("/editorial/items/V-1999-0001").status_code == 404
