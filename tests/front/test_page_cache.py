"""Anonymous public pages are cached (in the portal and by CDNs); signed-in pages never are; content changes show."""

from __future__ import annotations

import datetime as dt
import gzip
import re

import pytest
from django.templatetags.static import static
from django.utils import timezone

from newsreel.catalogue.models import Kind, Role
from newsreel.publishing import Status
from tests.downloads.conftest import add_file
from tests.factories import make_article, make_item, make_member

pytestmark = pytest.mark.django_db


def max_age(response) -> int:
    found = re.search(r"max-age=(\d+)", response["Cache-Control"])
    assert found, response["Cache-Control"]
    return int(found.group(1))


def test_anonymous_page_is_public_varies_on_cookie_and_comes_from_the_cache_the_second_time(client):
    first = client.get("/en/")
    second = client.get("/en/")
    for response in (first, second):
        assert response.status_code == 200
        assert "public" in response["Cache-Control"] and 0 < max_age(response) <= 60
        assert "Cookie" in response["Vary"]
        assert "Set-Cookie" not in response.headers and not response.cookies
    assert first["X-Newsreel-Cache"] == "miss" and second["X-Newsreel-Cache"] == "hit"
    assert second.content == first.content


def test_signed_in_pages_are_private_and_never_served_from_the_cache(client):
    item = make_item(title_en="Summit arrival")
    assert client.get(item.get_absolute_url())["X-Newsreel-Cache"] == "miss"
    client.force_login(make_member())
    for url in ("/en/", item.get_absolute_url()):
        response = client.get(url)
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        assert "X-Newsreel-Cache" not in response.headers
        assert "My account" in response.content.decode()


def test_anonymous_video_page_holds_no_csrf_token_and_its_clip_form_signs_in_first(client, settings):
    item = make_item(kind=Kind.VIDEO)
    add_file(item, Role.WEB, media_root=settings.MEDIA_ROOT)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'id="player"' in html
    assert "csrfmiddlewaretoken" not in html
    form = re.search(r'<form method="(\w+)" action="([^"]*)" class="clip-form">', html)
    assert form and form.group(1) == "get" and form.group(2) == "/en/accounts/login/"
    assert f'name="next" value="{item.get_absolute_url()}#clip-tool"' in html


def test_signed_in_video_page_posts_the_clip_with_a_csrf_token(client, settings):
    item = make_item(kind=Kind.VIDEO)
    add_file(item, Role.WEB, media_root=settings.MEDIA_ROOT)
    client.force_login(make_member())
    html = client.get(item.get_absolute_url()).content.decode()
    assert re.search(r'<form method="post" action="/en/download/clip/[^"]+/" class="clip-form">', html)
    assert "csrfmiddlewaretoken" in html


def test_a_reader_with_a_session_or_a_message_cookie_gets_a_page_of_their_own(client):
    client.get("/en/")
    client.cookies["messages"] = "anything"
    response = client.get("/en/")
    assert "X-Newsreel-Cache" not in response.headers and "private" in response["Cache-Control"]


def test_publishing_shows_at_once_on_cached_pages(client):
    draft = make_article(title_en="Ministers agree", status=Status.DRAFT)
    assert "Ministers agree" not in client.get("/en/").content.decode()
    assert client.get("/en/")["X-Newsreel-Cache"] == "hit"
    draft.status = Status.PUBLISHED
    draft.save()
    response = client.get("/en/")
    assert response["X-Newsreel-Cache"] == "miss" and "Ministers agree" in response.content.decode()


def test_an_embargo_ends_the_cached_page_without_any_save(client, clock):
    make_article(title_en="Embargoed statement", status=Status.SCHEDULED,
                 publish_at=timezone.now() + dt.timedelta(seconds=30))
    first = client.get("/en/")
    assert "Embargoed statement" not in first.content.decode()
    assert max_age(first) <= 30  # a CDN must not keep the page past the embargo either
    clock.advance(seconds=31)
    assert "Embargoed statement" in client.get("/en/").content.decode()


def test_withdrawing_an_item_updates_its_cached_page(client):
    item = make_item(title_en="Exercise footage")
    assert client.get(item.get_absolute_url()).status_code == 200
    item.status = Status.WITHDRAWN
    item.save()
    assert client.get(item.get_absolute_url()).status_code == 410


def test_pages_are_gzipped_for_clients_that_accept_it(client):
    response = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert b"<!doctype html>" in gzip.decompress(response.content)


def test_static_files_are_hashed_immutable_for_a_year_and_compressed(client):
    url = static("newsreel/portal.css")
    assert re.fullmatch(r"/static/newsreel/portal\.[0-9a-f]{12}\.css", url)
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and max_age(response) >= 365 * 24 * 3600
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(response.streaming_content))
    assert b"--brand" in body or b"body" in body
