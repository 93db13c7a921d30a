from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from django.utils import timezone

from newsreel.captions.formats import TimedText
from newsreel.captions.models import CaptionStatus
from newsreel.captions.services import cue_set_replace
from newsreel.publishing import Status
from tests.api.conftest import ApiClient
from tests.factories import make_article, make_event, make_item

pytestmark = pytest.mark.django_db


def _walk(api: ApiClient, path: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    response = api.get(path)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        seen += body["results"]
        if body["next"] is None:
            return seen
        response = api.client.get(body["next"])


def test_item_list_pages_with_cursor_newest_first(anonymous: ApiClient) -> None:
    now = timezone.now()
    items = [make_item(publish_at=now - dt.timedelta(hours=n)) for n in range(1, 8)]
    seen = _walk(anonymous, "/items?limit=3")
    assert [r["reference"] for r in seen] == [i.reference for i in items]
    first = anonymous.get("/items?limit=3")
    assert first["Link"] == f'<{first.json()["next"]}>; rel="next"'
    assert "Link" not in anonymous.get("/items?limit=100")


def test_cursor_is_stable_when_items_are_published_meanwhile(anonymous: ApiClient) -> None:
    now = timezone.now()
    items = [make_item(publish_at=now - dt.timedelta(hours=n)) for n in range(1, 6)]
    first = anonymous.get("/items?limit=2").json()
    # One appears at the top, one in the middle of what is still to come (a backdated publication).
    make_item(publish_at=now - dt.timedelta(minutes=1))
    make_item(publish_at=now - dt.timedelta(hours=1, minutes=30))
    second = anonymous.client.get(first["next"]).json()
    assert [r["reference"] for r in second["results"]][:1] == [items[2].reference]
    assert {r["reference"] for r in second["results"]}.isdisjoint({r["reference"] for r in first["results"]})


def test_lists_leave_out_drafts_and_embargoed(anonymous: ApiClient) -> None:
    shown = make_item()
    make_item(status=Status.DRAFT)
    make_item(status=Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(days=1))
    make_article(status=Status.DRAFT)
    assert [r["reference"] for r in anonymous.get("/items").json()["results"]] == [shown.reference]
    assert anonymous.get("/articles").json()["results"] == []


def test_item_filters_are_the_search_pages(anonymous: ApiClient) -> None:
    event = make_event()
    inside = make_item(event=event)
    make_item()
    body = anonymous.get(f"/items?event={event.slug}").json()
    assert [r["reference"] for r in body["results"]] == [inside.reference]
    unknown = anonymous.get("/items?event=no-such-event").json()
    assert unknown["results"] == [] and unknown["unknown_filters"] == ["event"]


def test_bad_cursor_names_no_page(anonymous: ApiClient) -> None:
    response = anonymous.get("/items?cursor=forged")
    assert response.status_code == 404
    assert response.json()["code"] == "invalid_cursor"
    for _n in range(3):
        make_event()
    events_cursor = anonymous.get("/events?limit=1").json()["next_cursor"]
    assert anonymous.get("/events", data={"cursor": events_cursor}).status_code == 200
    assert anonymous.get("/items", data={"cursor": events_cursor}).json()["code"] == "invalid_cursor"
    assert anonymous.get("/items?cursor=not%20a%20cursor").status_code == 422  # not even the cursor's form


def test_search_has_facets_total_and_ranks_like_the_page(anonymous: ApiClient) -> None:
    make_item(title_en="Summit in Brussels", title_fr="Sommet à Bruxelles")
    make_article(title_en="Summit communiqué", title_fr="Communiqué du sommet")
    make_item(title_en="Exercise at sea", title_fr="Exercice en mer")
    body = anonymous.get("/search?q=summit").json()
    assert body["total"] == 2
    assert {hit["type"] for hit in body["results"]} == {"video", "article"}
    assert {v["value"] for v in body["facets"]["type"]} == {"video", "article"}
    videos = anonymous.get("/search?q=summit&type=video").json()
    assert [hit["type"] for hit in videos["results"]] == ["video"]


def test_search_relevance_pages_do_not_repeat(anonymous: ApiClient) -> None:
    for n in range(5):
        make_item(title_en=f"Summit session {n}")
    seen = _walk(anonymous, "/search?q=summit&limit=2")
    references = [hit["item"]["reference"] for hit in seen]
    assert len(references) == 5 == len(set(references))


def test_article_detail_and_withdrawn(anonymous: ApiClient) -> None:
    article = make_article()
    body = anonymous.get(f"/articles/{article.slug}").json()
    assert body["body"]["en"] == "<p>Body</p>"
    article.status = Status.WITHDRAWN
    article.save()
    gone = anonymous.get(f"/articles/{article.slug}")
    assert gone.status_code == 410 and gone.json()["code"] == "withdrawn"


def test_event_links_to_its_items(anonymous: ApiClient) -> None:
    event = make_event()
    inside = make_item(event=event)
    body = anonymous.get(f"/events/{event.slug}").json()
    listed = anonymous.client.get(body["links"]["items"]).json()["results"]
    assert [row["reference"] for row in listed] == [inside.reference]
    assert anonymous.get("/events/no-such-event").json()["code"] == "not_found"


def test_search_ranks_titles_in_the_callers_language_first(anonymous: ApiClient) -> None:
    now = timezone.now()
    english = make_item(title_en="Summit talks", title_fr="", publish_at=now - dt.timedelta(hours=1))
    french = make_item(title_en="", title_fr="Summit à Paris", publish_at=now - dt.timedelta(hours=2))

    def order(language: str) -> list[str]:
        body = anonymous.get("/search?q=summit", HTTP_ACCEPT_LANGUAGE=language).json()
        return [hit["item"]["reference"] for hit in body["results"]]

    assert order("en") == [english.reference, french.reference]
    assert order("fr") == [french.reference, english.reference]
    labels = anonymous.get("/search?q=summit", HTTP_ACCEPT_LANGUAGE="fr").json()["facets"]["type"]
    assert [value["label"] for value in labels] == ["Vidéo"]


def test_search_hits_carry_the_pages_snippets_and_matching_shot(anonymous: ApiClient) -> None:
    item = make_item(title_en="Arrivals", summary_en="Leaders arrive for the summit talks.")
    item.shots.create(position=1, tc_in="10:00:01:00", tc_out="10:00:02:00", description_en="Summit hall, wide")
    hit = anonymous.get("/search?q=summit").json()["results"][0]
    assert "<mark>summit</mark>" in hit["snippet"].lower()
    assert hit["shot"]["tc_in"] == "10:00:01:00" and "<mark>" in hit["shot"]["snippet"]


def test_search_hits_carry_the_matching_caption_cue(anonymous: ApiClient) -> None:
    item = make_item(title_en="Briefing", start_timecode="10:00:00:00")
    cue_set_replace(item=item, language="fr", source="uploaded", status=CaptionStatus.PUBLISHED,
                    cues=[TimedText(Fraction(0), Fraction(2), "Bonjour."),
                          TimedText(Fraction(2), Fraction(4), "Les ministres ont négocié.")])
    hit = anonymous.get("/search?q=n%C3%A9gociations&captions=true", HTTP_ACCEPT_LANGUAGE="fr").json()["results"][0]
    assert hit["shot"] is None
    assert hit["caption"] == {"language": "fr", "tc_in": "10:00:02:00", "tc_out": "10:00:04:00",
                              "t": "10:00:02:00", "snippet": "Les ministres ont <mark>négocié</mark>."}
    assert anonymous.get("/search?q=bonjour&captions=true").json()["results"][0]["caption"]["tc_in"] == "10:00:00:00"
