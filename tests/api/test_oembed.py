"""oEmbed: the iframe of the embeddable player for an item page's address, sized as asked, for public items only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from newsreel.catalogue.embeds import AUDIO_HEIGHT, CHROME_HEIGHT
from newsreel.catalogue.models import Access, Item, Kind, Rendition, Role
from newsreel.publishing import Status
from tests.factories import make_item

pytestmark = pytest.mark.django_db

SITE = "http://portal.example.org"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "portal.example.org"]


def rendition(item: Item, role: str, **fields: Any) -> Rendition:
    """A rendition row (oEmbed reads its metadata only, never its file)."""
    return Rendition.objects.create(item=item, role=role, file=f"items/{item.reference}/{role}.bin", **fields)


def video(**fields: Any) -> Item:
    item = make_item(title_en="Summit arrival", title_fr="Arrivée au sommet", credit="© Alliance", **fields)
    rendition(item, Role.WEB, width=1280, height=720, frame_rate="25")
    rendition(item, Role.POSTER, width=1280, height=720)
    rendition(item, Role.THUMBNAIL, width=320, height=180)
    return item


def audio(**fields: Any) -> Item:
    item = make_item(kind=Kind.AUDIO, frame_rate="", title_en="Press conference", duration=90.0, **fields)
    rendition(item, Role.AUDIO_PREVIEW)
    rendition(item, Role.WAVEFORM, width=1200, height=200)
    return item


def ask(client: Any, url: str, **params: Any) -> Any:
    return client.get("/api/oembed", {"url": url, **params})


def test_a_video_page_gives_the_player_iframe_at_the_videos_shape(client):
    item = video()
    response = ask(client, f"{SITE}/en/media/{item.reference}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["version"] == "1.0" and body["type"] == "video"
    assert body["title"] == "Summit arrival"
    assert body["provider_name"] == "Newsreel" and body["provider_url"] == f"{SITE}/"
    assert body["author_name"] == "© Alliance"
    assert (body["width"], body["height"]) == (640, 360 + CHROME_HEIGHT)
    src = re.search(r'<iframe src="([^"]+)" width="640" height="(\d+)" title="Summit arrival"', body["html"])
    assert src and src[1] == f"{SITE}/en/media/{item.reference}/embed/" and int(src[2]) == body["height"]
    poster = item.rendition(Role.POSTER)
    assert poster is not None
    assert body["thumbnail_url"] == f"{SITE}/preview/{poster.pk}/"
    assert (body["thumbnail_width"], body["thumbnail_height"]) == (1280, 720)


def test_the_embed_address_and_the_french_page_answer_in_their_language(client, settings):
    settings.NEWSREEL_SITE_NAME_FR = "Centre des médias"
    from newsreel.front.identity import forget_identity

    forget_identity()
    item = video()
    body = ask(client, f"{SITE}/fr/media/{item.reference}/embed/").json()
    assert body["title"] == "Arrivée au sommet"
    assert body["provider_name"] == "Centre des médias"
    assert f'src="{SITE}/fr/media/{item.reference}/embed/"' in body["html"]


def test_maxwidth_and_maxheight_are_never_exceeded_and_keep_the_shape(client):
    item = video()
    url = f"{SITE}/en/media/{item.reference}/"
    body = ask(client, url, maxwidth=320).json()
    assert (body["width"], body["height"]) == (320, 180 + CHROME_HEIGHT)
    assert body["thumbnail_width"] <= 320  # the poster is too wide: the small thumbnail instead
    body = ask(client, url, maxwidth=2000, maxheight=CHROME_HEIGHT + 180).json()
    assert (body["width"], body["height"]) == (320, 180 + CHROME_HEIGHT)
    body = ask(client, url, maxheight=100).json()
    assert body["height"] <= 100 and body["width"] >= 1
    assert "thumbnail_url" not in body  # no picture of the item is that small


def test_audio_is_a_video_type_of_a_fixed_height(client):
    item = audio()
    body = ask(client, f"{SITE}/en/media/{item.reference}/").json()
    assert body["type"] == "video"
    assert (body["width"], body["height"]) == (640, AUDIO_HEIGHT)
    assert "author_name" in body and body["thumbnail_height"] == 200
    body = ask(client, f"{SITE}/en/media/{item.reference}/", maxwidth=300, maxheight=120).json()
    assert (body["width"], body["height"]) == (300, 120)


def test_a_timecode_link_embeds_the_player_at_that_frame(client):
    item = video(start_timecode="10:00:00:00", duration=60.0)
    body = ask(client, f"{SITE}/en/media/{item.reference}/?t=10:00:03:04").json()
    assert f"/en/media/{item.reference}/embed/?t=10:00:03:04" in body["html"]
    body = ask(client, f"{SITE}/en/media/{item.reference}/#t=3.16").json()
    assert "?t=10:00:03:04" in body["html"]  # seconds from the start, written as the source timecode
    body = ask(client, f"{SITE}/en/media/{item.reference}/?t=nonsense").json()
    assert "?t=" not in body["html"]  # ignored: the player starts at the beginning


@pytest.mark.parametrize("url", [
    "https://evil.example.com/en/media/V-2026-0001/",
    "http://portal.example.org.evil.example.com/en/media/V-2026-0001/",
    "javascript:alert(1)",
    "//evil.example.com/en/media/V-2026-0001/",
    "/en/media/V-2026-0001/",
])
def test_an_address_that_is_not_this_portals_is_a_bad_request(client, url):
    response = ask(client, url)
    assert response.status_code == 400
    assert "not a page of this portal" in response.json()["detail"]


def test_errors_have_statuses_and_a_json_detail(client):
    item = video()
    page = f"{SITE}/en/media/{item.reference}/"
    assert client.get("/api/oembed").status_code == 400
    assert ask(client, page, format="xml").status_code == 501
    assert ask(client, page, maxwidth="wide").status_code == 400
    assert ask(client, page, maxwidth="0").status_code == 400
    assert ask(client, f"{SITE}/en/media/V-1999-0404/").status_code == 404
    assert ask(client, f"{SITE}/en/news/").status_code == 404
    assert ask(client, f"{SITE}/media/{item.reference}/").status_code == 404
    assert ask(client, "x" * 3000).status_code == 400
    for response in (ask(client, page, format="xml"), ask(client, f"{SITE}/en/news/")):
        assert set(response.json()) == {"detail"}


def test_drafts_embargoed_withdrawn_and_photos_are_not_found(client):
    later = timezone.now() + dt.timedelta(days=1)
    for item in (video(status=Status.DRAFT), video(status=Status.SCHEDULED, publish_at=later),
                 video(status=Status.WITHDRAWN), make_item(kind=Kind.PHOTO)):
        assert ask(client, f"{SITE}/en/media/{item.reference}/").status_code == 404, item.status


def test_a_video_without_its_preview_yet_is_not_found(client):
    item = make_item()
    assert ask(client, f"{SITE}/en/media/{item.reference}/").status_code == 404


def test_a_restricted_item_is_unauthorized_whoever_asks(client, django_user_model):
    item = video(access=Access.RESTRICTED)
    staff = django_user_model.objects.create_user("staff", "s@example.org", "x", is_staff=True)
    client.force_login(staff)  # an embed plays on other sites, where no one is signed in
    response = ask(client, f"{SITE}/en/media/{item.reference}/")
    assert response.status_code == 401


def test_the_request_host_counts_as_this_portal(client):
    item = video()
    response = ask(client, f"http://testserver/en/media/{item.reference}/")
    assert response.status_code == 200
    assert f'src="{SITE}/en/media/' in response.json()["html"]  # the public address, always
