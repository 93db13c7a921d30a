"""Captions downloads follow the media's access rule; they are whole or cut to a clip; the sidecar has them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from newsreel.captions import services
from newsreel.captions.models import CueSet
from newsreel.catalogue.models import Access, Role
from newsreel.downloads.models import Download
from tests.downloads.conftest import add_file, make_licensee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """URLs reversed here carry a language prefix: English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def captioned(item_factory: Any, settings: Any, terms: Any) -> CueSet:
    item = item_factory(frame_rate="25", start_timecode="10:00:00:00", access=Access.REGISTERED)
    add_file(item, Role.BROADCAST, media_root=settings.MEDIA_ROOT)
    cue_set = services.cue_set_replace(item=item, language="en", cues=[], source="uploaded", status="published")
    cue_set.cues.create(start=25, end=75, text="First <script>alert(1)</script>")
    cue_set.cues.create(start=100, end=150, text="Second")
    return cue_set


def _url(cue_set: CueSet, kind: str = "srt") -> str:
    return reverse(f"downloads:captions_{kind}", args=[cue_set.item.reference, cue_set.language])


def test_registered_item_captions_need_an_account(captioned: CueSet) -> None:
    response = Client().get(_url(captioned))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_licensee_downloads_whole_captions(captioned: CueSet) -> None:
    client = Client()
    client.force_login(make_licensee())
    response = client.get(_url(captioned, "vtt"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert body.startswith("WEBVTT")
    assert "00:00:01.000 --> 00:00:03.000" in body
    assert "<script>" not in body and "&lt;script" in body
    assert f'{captioned.item.reference}_en.vtt' in response["Content-Disposition"]
    assert Download.objects.filter(item=captioned.item, role="captions_en", completed=True).exists()


def test_cut_to_a_clip(captioned: CueSet) -> None:
    client = Client()
    client.force_login(make_licensee())
    response = client.get(_url(captioned), {"in": "10:00:02:00", "out": "10:00:05:00"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "1\n00:00:00,000 --> 00:00:01,000\nFirst" in body
    assert "2\n00:00:02,000 --> 00:00:03,000\nSecond" in body
    assert "10-00-02-00_10-00-05-00_en.srt" in response["Content-Disposition"]


def test_bad_clip_points_are_a_clear_400(captioned: CueSet) -> None:
    client = Client()
    client.force_login(make_licensee())
    response = client.get(_url(captioned), {"in": "10:00:05:00", "out": "10:00:02:00"})
    assert response.status_code == 400
    assert "after the in point" in response.content.decode()


def test_draft_captions_are_not_found(captioned: CueSet) -> None:
    services.cue_set_publish(cue_set=captioned, published=False)
    client = Client()
    client.force_login(make_licensee())
    assert client.get(_url(captioned)).status_code == 404


def test_restricted_item_captions_are_for_staff_only(captioned: CueSet) -> None:
    captioned.item.access = Access.RESTRICTED
    captioned.item.save()
    client = Client()
    client.force_login(make_licensee())
    assert client.get(_url(captioned)).status_code == 404


def test_the_clip_sidecar_carries_the_cut_captions(captioned: CueSet) -> None:
    client = Client()
    client.force_login(make_licensee())
    url = reverse("downloads:sidecar", args=[captioned.item.reference])
    text = client.get(url, {"in": "10:00:02:00", "out": "10:00:05:00"}).content.decode()
    assert "Captions (English)" in text
    assert "10:00:02:00 – 10:00:03:00  First <script>alert(1)</script>" in text
    assert "10:00:04:00 – 10:00:05:00  Second" in text
    whole = client.get(url).content.decode()
    assert "10:00:01:00 – 10:00:03:00  First" in whole


def test_the_item_page_links_published_captions(captioned: CueSet) -> None:
    page = Client().get(captioned.item.get_absolute_url()).content.decode()
    assert _url(captioned, "srt") in page and _url(captioned, "vtt") in page
    services.cue_set_publish(cue_set=captioned, published=False)
    assert _url(captioned, "srt") not in Client().get(captioned.item.get_absolute_url()).content.decode()


def _track(cue_set: CueSet) -> str:
    return reverse("downloads:captions_track", args=[cue_set.item.reference, cue_set.language])


def test_the_player_track_follows_the_preview_rule(captioned: CueSet, settings: Any) -> None:
    """Captions are part of watching: whoever may play the preview gets them, without an account."""
    add_file(captioned.item, Role.WEB, media_root=settings.MEDIA_ROOT)
    response = Client().get(_track(captioned))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    assert response.content.decode().startswith("WEBVTT")
    assert not Download.objects.exists()  # a preview is not a logged download
    captioned.item.access = Access.RESTRICTED
    captioned.item.save()
    assert Client().get(_track(captioned)).status_code == 404
    staff = make_licensee(is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(_track(captioned)).status_code == 200


def test_no_track_without_a_preview_or_for_a_draft(captioned: CueSet, settings: Any) -> None:
    assert Client().get(_track(captioned)).status_code == 404  # no web video: nothing plays captions
    add_file(captioned.item, Role.WEB, media_root=settings.MEDIA_ROOT)
    services.cue_set_publish(cue_set=captioned, published=False)
    assert Client().get(_track(captioned)).status_code == 404


def test_the_transcript_is_on_the_page_with_its_text_escaped(captioned: CueSet, settings: Any) -> None:
    add_file(captioned.item, Role.WEB, media_root=settings.MEDIA_ROOT)
    page = Client().get(captioned.item.get_absolute_url()).content.decode()
    assert 'id="transcript"' in page
    assert "First &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert 'data-in="10:00:01:00" data-out="10:00:03:00"' in page
    assert _track(captioned) in page


def test_a_ready_clip_links_its_captions_and_sidecar_cut_to_its_frames(captioned: CueSet) -> None:
    """A fast clip widened to whole GOPs holds more than was asked: its captions follow what it holds."""
    from newsreel.downloads.models import ClipCache, ClipRequest, ClipStatus

    member = make_licensee()
    rendition = captioned.item.renditions.get(role=Role.BROADCAST)
    clip = ClipCache.objects.create(rendition=rendition, source_sha256=rendition.sha256, start=30, end=60,
                                    mode="fast", first_frame=25, stop_frame=75, status=ClipStatus.READY,
                                    file="clips/x.mp4")
    request = ClipRequest.objects.create(user=member, clip=clip, rendition=rendition, start=30, end=60, mode="fast")
    client = Client()
    client.force_login(member)
    page = client.get(reverse("downloads:clip_status", args=[request.pk])).content.decode()
    query = "in=10%3A00%3A01%3A00&amp;out=10%3A00%3A03%3A00"
    assert f"{_url(captioned)}?{query}" in page
    assert f"{reverse('downloads:sidecar', args=[captioned.item.reference])}?{query}" in page
    srt = client.get(_url(captioned), {"in": "10:00:01:00", "out": "10:00:03:00"}).content.decode()
    assert srt.startswith("1\n00:00:00,000 --> 00:00:02,000\nFirst")


@pytest.mark.parametrize("points", [{"in": "１０:00:00:00", "out": "10:00:05:00"}, {"in": "x" * 10_000, "out": "1"},
                                    {"in": "10:00:00:00", "out": "99999999999999999999"}])
def test_hostile_clip_points_are_a_clear_400(captioned: CueSet, points: dict[str, str]) -> None:
    client = Client()
    client.force_login(make_licensee())
    for url in (_url(captioned), reverse("downloads:sidecar", args=[captioned.item.reference])):
        response = client.get(url, points)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
