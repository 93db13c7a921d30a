"""The item detail lists the published caption sets, with what the caller lacks and links that work."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.test import Client

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.captions import services
from newsreel.catalogue.models import Access, Item, Rendition, Role
from tests.api.conftest import ApiClient, client_for
from tests.factories import make_item, make_member

pytestmark = pytest.mark.django_db
_files = itertools.count()


def captioned(access: str) -> Item:
    item = make_item(access=access, frame_rate="25", start_timecode="10:00:00:00")
    for role in (Role.BROADCAST, Role.WEB):
        Rendition.objects.create(item=item, role=role, file=f"renditions/{item.reference}-{next(_files)}.bin",
                                 size=1000, mime_type="video/mp4")
    english = services.cue_set_replace(item=item, language="en", cues=[], source="uploaded", status="published")
    english.cues.create(start=25, end=75, text="The summit opens")
    services.cue_set_replace(item=item, language="fr", cues=[], source="uploaded", status="draft")
    return item


def test_an_open_items_published_captions_are_listed_with_working_links(anonymous: ApiClient) -> None:
    item = captioned(Access.OPEN)
    data = anonymous.get(f"/items/{item.reference}").json()
    assert [c["language"] for c in data["captions"]] == ["en"]  # the French draft is not shown
    english = data["captions"][0]
    assert (english["name"], english["download"]) == ("English", "allowed")
    assert english["links"]["srt"].startswith("http://testserver/")
    srt = Client().get(english["links"]["srt"].removeprefix("http://testserver"))
    assert srt.status_code == 200
    assert "00:00:01,000 --> 00:00:03,000\nThe summit opens" in srt.content.decode()
    vtt = Client().get(english["links"]["vtt"].removeprefix("http://testserver"),
                       {"in": "10:00:02:00", "out": "10:00:05:00"})
    assert "00:00:00.000 --> 00:00:01.000\nThe summit opens" in vtt.content.decode()
    track = Client().get(english["links"]["track"].removeprefix("http://testserver"))
    assert track.status_code == 200 and track.content.decode().startswith("WEBVTT")


def test_a_registered_item_says_what_the_caller_lacks(anonymous: ApiClient) -> None:
    item = captioned(Access.REGISTERED)
    english = anonymous.get(f"/items/{item.reference}").json()["captions"][0]
    assert english["download"] == "sign-in"
    terms = TermsVersion.objects.create(version="2026-1", text_en="Credit.", text_fr="Citez.")
    member = make_member()
    accept_terms(user=member, terms=terms)
    assert client_for(member).get(f"/items/{item.reference}").json()["captions"][0]["download"] == "allowed"


def test_the_language_name_follows_the_caller(anonymous: ApiClient) -> None:
    item = captioned(Access.OPEN)
    data = anonymous.get(f"/items/{item.reference}", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert data["captions"][0]["name"] == "anglais"


def test_publishing_captions_changes_the_etag(anonymous: ApiClient) -> None:
    item = captioned(Access.OPEN)
    first = anonymous.get(f"/items/{item.reference}")
    french = item.cue_sets.get(language="fr")
    french.status = "published"
    french.save()
    second = anonymous.get(f"/items/{item.reference}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert [c["language"] for c in second.json()["captions"]] == ["en", "fr"]


def test_an_item_without_captions_has_an_empty_list(anonymous: ApiClient) -> None:
    item = make_item(access=Access.OPEN)
    assert anonymous.get(f"/items/{item.reference}").json()["captions"] == []


def test_the_openapi_schema_describes_captions(anonymous: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "captions" in schema["components"]["schemas"]["ItemOut"]["properties"]
    assert set(schema["components"]["schemas"]["CaptionLinks"]["properties"]) == {"srt", "vtt", "track"}
