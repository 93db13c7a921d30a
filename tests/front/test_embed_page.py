"""The embeddable player page: framed only by the portal and the sites in NEWSREEL_EMBED_ORIGINS (every other page
refuses any frame), showing only what the access rules let anyone play."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.utils import timezone

from newsreel.catalogue.models import Access, Kind, Role
from newsreel.env import ConfigError, env_origins
from newsreel.publishing import Status
from tests.downloads.conftest import add_file
from tests.factories import make_item

pytestmark = pytest.mark.django_db

PARTNER = "https://news.example.com"


def directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2] for part in policy.split(";") if part.strip()}


@pytest.fixture
def video(settings: Any) -> Any:
    item = make_item(title_en="Summit arrival", credit="© Alliance", start_timecode="10:00:00:00")
    add_file(item, Role.WEB, media_root=settings.MEDIA_ROOT)
    return item


def embed(item: Any, lang: str = "en") -> str:
    return f"/{lang}/media/{item.reference}/embed/"


def test_the_embed_page_plays_the_preview_with_title_credit_and_links(client, video):
    response = client.get(embed(video))
    assert response.status_code == 200
    page = response.content.decode()
    web = video.rendition(Role.WEB)
    assert f'<video id="player" controls preload="metadata" playsinline src="/preview/{web.pk}/"' in page
    assert 'data-start-tc="10:00:00:00"' in page
    assert "Summit arrival" in page and "Credit: © Alliance" in page
    assert f'href="/en/media/{video.reference}/" target="_blank" rel="noopener">View on Newsreel</a>' in page
    assert 'href="/en/accounts/terms/text/"' in page or "Terms of use</a>" in page
    assert "Copy link at this timecode" in page
    assert "site-header" not in page and "site-footer" not in page  # the player, not the portal's chrome


def test_only_the_embed_may_be_framed_and_only_by_the_portal_and_the_listed_sites(client, video, settings):
    settings.NEWSREEL_EMBED_ORIGINS = [PARTNER]
    framed = client.get(embed(video))
    assert directives(framed)["frame-ancestors"] == f"'self' {PARTNER}"
    assert "X-Frame-Options" not in framed.headers
    for url in (f"/en/media/{video.reference}/", "/en/", "/en/media/"):
        page = client.get(url)
        assert directives(page)["frame-ancestors"] == "'none'", url
        assert page["X-Frame-Options"] == "DENY", url


def test_by_default_only_the_portal_itself_may_frame_the_embed(client, video, settings):
    settings.NEWSREEL_EMBED_ORIGINS = []
    assert directives(client.get(embed(video)))["frame-ancestors"] == "'self'"


def test_a_star_lets_any_site_frame_the_embed(client, video, settings):
    settings.NEWSREEL_EMBED_ORIGINS = ["*"]
    assert directives(client.get(embed(video)))["frame-ancestors"] == "*"


def test_the_rest_of_the_policy_stays_strict_on_the_embed(client, video):
    policy = directives(client.get(embed(video)))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in client.get(embed(video))["Content-Security-Policy"]


def test_a_cached_embed_keeps_its_frame_policy(client, video, settings):
    settings.NEWSREEL_EMBED_ORIGINS = [PARTNER]
    first, second = client.get(embed(video)), client.get(embed(video))
    assert (first["X-Newsreel-Cache"], second["X-Newsreel-Cache"]) == ("miss", "hit")
    assert directives(second)["frame-ancestors"] == f"'self' {PARTNER}"
    assert "X-Frame-Options" not in second.headers
    # And the item page, cached too, still refuses every frame.
    client.get(f"/en/media/{video.reference}/")
    page = client.get(f"/en/media/{video.reference}/")
    assert page["X-Newsreel-Cache"] == "hit" and directives(page)["frame-ancestors"] == "'none'"


def test_drafts_embargoed_items_photos_and_unknown_references_are_not_found_inside_the_frame(client, settings):
    settings.NEWSREEL_EMBED_ORIGINS = [PARTNER]
    later = timezone.now() + dt.timedelta(days=1)
    items = [make_item(status=Status.DRAFT, title_en="Secret draft"),
             make_item(status=Status.SCHEDULED, publish_at=later, title_en="Secret draft"),
             make_item(kind=Kind.PHOTO, title_en="Secret draft")]
    for item in items:
        web = add_file(item, Role.WEB, media_root=settings.MEDIA_ROOT)
        response = client.get(embed(item))
        assert response.status_code == 404
        page = response.content.decode()
        assert "This media is not available." in page
        assert "Secret draft" not in page and f"/preview/{web.pk}/" not in page
        # Shown in the partner's frame, not refused: the page says why the player is gone.
        assert directives(response)["frame-ancestors"] == f"'self' {PARTNER}"
    assert client.get("/en/media/V-1999-0001/embed/").status_code == 404
    assert "Ce média n’est pas disponible." in client.get("/fr/media/V-1999-0001/embed/").content.decode()


def test_a_withdrawn_item_says_so_in_the_frame(client, settings):
    item = make_item(status=Status.WITHDRAWN, withdrawn_note_en="Wrong date.")
    add_file(item, Role.WEB, media_root=settings.MEDIA_ROOT)
    response = client.get(embed(item))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This item has been withdrawn. Wrong date." in page and "<video" not in page


def test_a_restricted_item_asks_to_sign_in_on_the_portal_instead_of_playing(client, settings, django_user_model):
    item = make_item(access=Access.RESTRICTED)
    web = add_file(item, Role.WEB, media_root=settings.MEDIA_ROOT)
    page = client.get(embed(item)).content.decode()
    assert "<video" not in page and f"/preview/{web.pk}/" not in page
    assert "This item is not public" in page
    assert f'href="/en/accounts/login/?next=/en/media/{item.reference}/"' in page
    staff = django_user_model.objects.create_user("staff", "s@example.org", "x", is_staff=True)
    client.force_login(staff)  # in the portal's own pages, staff see what they may
    assert f'src="/preview/{web.pk}/"' in client.get(embed(item)).content.decode()


def test_an_audio_embed_plays_the_audio_preview_in_french(client, settings):
    item = make_item(kind=Kind.AUDIO, frame_rate="", title_fr="Conférence de presse")
    preview = add_file(item, Role.AUDIO_PREVIEW, media_root=settings.MEDIA_ROOT, suffix=".mp3")
    page = client.get(embed(item, "fr")).content.decode()
    assert '<html lang="fr"' in page
    assert f'<audio controls preload="metadata" src="/preview/{preview.pk}/">' in page
    assert "Conférence de presse" in page and "Copier le lien à ce moment" in page
    assert "Voir sur Newsreel" in page


def test_the_item_page_offers_the_embed_code_and_oembed_discovery(client, video, settings):
    settings.SITE_URL = "https://media.example.org"
    page = client.get(f"/en/media/{video.reference}/").content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert link and html.unescape(link[1]) == (
        f"https://media.example.org/api/oembed?url=https%3A%2F%2Fmedia.example.org%2Fen%2Fmedia%2F{video.reference}"
        "%2F&format=json")
    code = re.search(r'<textarea id="embed-code" rows="3" readonly>(.*?)</textarea>', page, re.S)
    assert code and html.unescape(code[1]).startswith(
        f'<iframe src="https://media.example.org/en/media/{video.reference}/embed/" width="640"')
    assert '<label for="embed-code">' in page and "<summary>Embed</summary>" in page


def test_no_embed_code_for_what_anyone_may_not_play(client, settings):
    restricted = make_item(access=Access.RESTRICTED)
    add_file(restricted, Role.WEB, media_root=settings.MEDIA_ROOT)
    photo = make_item(kind=Kind.PHOTO)
    waiting = make_item()
    for item in (restricted, photo, waiting):
        page = client.get(f"/en/media/{item.reference}/").content.decode()
        assert "embed-code" not in page and "json+oembed" not in page, item.kind


def test_embed_origins_setting_reads_origins_or_a_star(monkeypatch):
    monkeypatch.setenv("NEWSREEL_EMBED_ORIGINS", "https://a.example.org, https://b.example.org:8443/")
    assert env_origins("NEWSREEL_EMBED_ORIGINS") == ["https://a.example.org", "https://b.example.org:8443"]
    monkeypatch.setenv("NEWSREEL_EMBED_ORIGINS", "*")
    assert env_origins("NEWSREEL_EMBED_ORIGINS") == ["*"]
    monkeypatch.delenv("NEWSREEL_EMBED_ORIGINS")
    assert env_origins("NEWSREEL_EMBED_ORIGINS") == []
    for wrong in ("news.example.com", "https://a.example.org/page", "*, https://a.example.org", "ftp://x.org"):
        monkeypatch.setenv("NEWSREEL_EMBED_ORIGINS", wrong)
        with pytest.raises(ConfigError):
            env_origins("NEWSREEL_EMBED_ORIGINS")


def test_the_item_page_of_a_restricted_item_says_so_instead_of_a_player_that_would_not_load(client, settings,
                                                                                            django_user_model):
    video = make_item(access=Access.RESTRICTED)
    web = add_file(video, Role.WEB, media_root=settings.MEDIA_ROOT)
    photo = make_item(kind=Kind.PHOTO, frame_rate="", access=Access.RESTRICTED)
    medium = add_file(photo, Role.PHOTO_MEDIUM, media_root=settings.MEDIA_ROOT, suffix=".jpg")
    for item, preview in ((video, web), (photo, medium)):
        page = client.get(f"/en/media/{item.reference}/").content.decode()
        assert f"/preview/{preview.pk}/" not in page and 'id="player"' not in page
        assert "This item is not public" in page
        assert f'href="/en/accounts/login/?next=/en/media/{item.reference}/">Sign in</a>' in page
    staff = django_user_model.objects.create_user("staff", "s@example.org", "x", is_staff=True)
    client.force_login(staff)
    page = client.get(f"/en/media/{video.reference}/").content.decode()
    assert f'src="/preview/{web.pk}/"' in page and "This item is not public" not in page
