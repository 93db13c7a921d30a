from __future__ import annotations

import re

import pytest
from django.test import override_settings

from newsreel.catalogue.models import ShotlistLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(item_factory, article_factory):
    from tests.factories import make_event

    event = make_event(slug="summit")
    video = item_factory(event=event, title_en="Summit arrival", title_fr="Arrivée au sommet")
    ShotlistLine.objects.create(item=video, tc_in="00:00:00:00", tc_out="00:00:05:00",
                                description_en="Wide shot", description_fr="Plan large")
    article = article_factory(event=event, slug="summit-news")
    return {"video": video, "article": article, "event": event}


PAGES = ["", "news/", "news/summit-news/", "media/", "media/?type=video", "events/", "events/summit/"]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages_with_a_switch_that_keeps_the_page(client, site, lang, page):
    response = client.get(f"/{lang}/{page}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    other = "fr" if lang == "en" else "en"
    path = f"/{other}/{page}".replace("&", "&amp;")
    assert f'href="{path}" hreflang="{other}"' in html
    assert f'hreflang="{other}" href="http://' in html


def test_item_page_in_both_languages(client, site):
    video = site["video"]
    en = client.get(f"/en/media/{video.reference}/").content.decode()
    fr = client.get(f"/fr/media/{video.reference}/").content.decode()
    assert "Summit arrival" in en and "Wide shot" in en and "Shotlist" in en
    assert "Arrivée au sommet" in fr and "Plan large" in fr


def test_french_interface_is_translated(client, site):
    html = client.get("/fr/").content.decode()
    assert "Dernières actualités" in html
    assert "Latest news" not in html


def test_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/")


def test_bad_page_number_is_a_friendly_404(client, site):
    for query in ["?page=0", "?page=999", "?page=abc"]:
        response = client.get(f"/en/media/{query}")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_pagination_splits_long_lists(client, item_factory, settings):
    settings.NEWSREEL_PAGE_SIZE = 3
    for _ in range(7):
        item_factory()
    first = client.get("/en/media/").content.decode()
    third = client.get("/en/media/?page=3").content.decode()
    assert "Page 1 of 3" in first
    assert len(re.findall(r'class="card card-', third)) == 1


def test_sitemap_lists_both_languages_and_robots_points_to_it(client, site):
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/en/media/{site['video'].reference}/" in xml
    assert f"/fr/media/{site['video'].reference}/" in xml
    assert 'hreflang="fr"' in xml
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap:" in robots and "Disallow: /admin/" in robots


@override_settings(DEBUG=False)
def test_server_error_page_hides_the_stack_trace(client, monkeypatch):
    from newsreel.front import views

    def boom(request):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views, "render", lambda *a, **k: boom(None))
    client.raise_request_exception = False
    response = client.get("/en/")
    assert response.status_code == 500
    assert "secret internal detail" not in response.content.decode()
    assert "Something went wrong" in response.content.decode()


def test_static_css_is_served(client):
    response = client.get("/static/newsreel/portal.css")
    assert response.status_code == 200
