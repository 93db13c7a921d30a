"""A staff upload cannot run script on the portal's origin: every stored file passes ingest's content check,
previews go out inline only as a fixed set of media types read from the content, anything else as an
attachment, and previews can come from a separate, cookieless origin."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from newsreel.catalogue.models import Access, Rendition, Role
from tests.factories import sign_in_staff

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script src='/preview/2/'></script></body></html>"
SCRIPT = b"document.title = 'pwned';"


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "Str0ng!Passw0rd#")
    return sign_in_staff(client, user)


def stored(item, role, data: bytes, *, media_root: str, mime: str, suffix: str, access: str = "") -> Rendition:
    """A row as a hand-made or older rendition may have left it: whatever bytes, whatever type label."""
    path = Path(media_root) / "items" / item.reference / f"{role}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Rendition.objects.create(item=item, role=role, file=str(path.relative_to(media_root)), mime_type=mime,
                                    size=len(data), sha256=hashlib.sha256(data).hexdigest(), access=access)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def upload(admin_client, item, role, name, data, mime="text/html"):
    return admin_client.post("/admin/catalogue/rendition/add/", {
        "item": item.pk, "role": role, "access": "", "mime_type": mime,
        "file": SimpleUploadedFile(name, data, content_type=mime)})


@pytest.mark.parametrize(("role", "name", "data_name", "message"), [
    (Role.WEB, "page.html", "html", "not a supported media file"),
    (Role.POSTER, "app.js", "script", "not a supported media file"),
    (Role.BROADCAST, "poster.jpg", "photo", "needs Video"),
    (Role.MASTER, "shot.jpg", "photo", "needs Video"),  # a video item's master
    (Role.WEB, "playlist.m3u8", "playlist", "points at other files"),
    (Role.STORYBOARD_INDEX, "index.json", "json", "made by processing the master"),
])
def test_the_back_office_refuses_a_rendition_file_that_is_not_media_of_its_role(
        admin_client, item_factory, settings, small_photo, role, name, data_name, message):
    data = {"html": HTML, "script": SCRIPT, "photo": small_photo.read_bytes(),
            "playlist": b"#EXTM3U\nhttps://example.org/a.ts\n", "json": b'{"sheets": []}'}[data_name]
    response = upload(admin_client, item_factory(), role, name, data)
    assert response.status_code == 200  # the form again, with the reason
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Rendition.objects.exists()
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*") if "uploads" not in p.parts)


def test_the_back_office_takes_the_type_from_the_content_not_from_the_form(admin_client, item_factory,
                                                                            small_photo):
    item = item_factory()
    response = upload(admin_client, item, Role.POSTER, "poster.html", small_photo.read_bytes(), mime="text/html")
    assert response.status_code == 302
    poster = Rendition.objects.get(item=item, role=Role.POSTER)
    assert (poster.mime_type, poster.container) == ("image/jpeg", "jpeg")
    assert poster.sha256 == hashlib.sha256(small_photo.read_bytes()).hexdigest()
    served = admin_client.get(poster.preview_url())
    assert served["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(("data", "mime", "suffix"), [
    (HTML, "text/html", ".html"), (SCRIPT, "application/javascript", ".js"), (SCRIPT, "video/mp4", ".mp4"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/svg+xml", ".svg"),
    (b'{"a": 1}', "application/json", ".json"),
])
@pytest.mark.parametrize("role", [Role.WEB, Role.POSTER, Role.STORYBOARD_INDEX])
def test_a_stored_file_that_is_not_media_is_never_a_preview_a_browser_would_run(
        client, item_factory, settings, data, mime, suffix, role):
    rendition = stored(item_factory(access=Access.OPEN), role, data, media_root=settings.MEDIA_ROOT, mime=mime,
                       suffix=suffix)
    response = client.get(f"/preview/{rendition.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert body(response) == data


@pytest.mark.parametrize(("role", "source", "expected"), [
    (Role.POSTER, "small_photo", "image/jpeg"), (Role.WEB, "small_video", "video/mp4"),
    ("audio_preview", "noise_mp3", "audio/mpeg"),
])
def test_previews_are_sent_inline_with_the_type_their_content_says(client, item_factory, settings, request, role,
                                                                   source, expected, tmp_path):
    if source == "noise_mp3":
        path = tmp_path / "noise.mp3"
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anoisesrc=d=1:r=44100", "-b:a", "96k",
                        str(path)], check=True)
    else:
        path = request.getfixturevalue(source)
    rendition = stored(item_factory(), role, path.read_bytes(), media_root=settings.MEDIA_ROOT, mime="text/html",
                       suffix=".html")
    response = client.get(f"/preview/{rendition.pk}/")
    assert response["Content-Type"] == expected
    assert "Content-Disposition" not in response
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(("data", "mime"), [(SCRIPT, "text/javascript"), (HTML, "text/html")])
def test_a_download_is_never_sent_with_the_type_stored_on_its_row(client, item_factory, settings, data, mime):
    rendition = stored(item_factory(access=Access.OPEN), Role.BROADCAST, data, media_root=settings.MEDIA_ROOT,
                       mime=mime, suffix=".js")
    response = client.get(f"/en/download/{rendition.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.fixture
def media_origin(settings):
    settings.NEWSREEL_MEDIA_ORIGIN = "https://media.example-cdn.org"
    settings.NEWSREEL_MEDIA_HOST = "media.example-cdn.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "media.example-cdn.org"]
    return settings.NEWSREEL_MEDIA_ORIGIN


def test_previews_come_from_the_media_origin_when_one_is_set(client, item_factory, settings, small_photo,
                                                            media_origin):
    photo = item_factory(kind="photo", access=Access.REGISTERED)
    medium = stored(photo, Role.PHOTO_MEDIUM, small_photo.read_bytes(), media_root=settings.MEDIA_ROOT,
                    mime="image/jpeg", suffix=".jpg")
    page = client.get(photo.get_absolute_url()).content.decode()
    assert f'src="{media_origin}/preview/{medium.pk}/"' in page
    served = client.get(f"/preview/{medium.pk}/", HTTP_HOST="media.example-cdn.org", secure=True)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert not served.cookies


def test_the_media_origin_serves_nothing_but_previews(client, item_factory, media_origin):
    item = item_factory()
    for path in ("/en/", item.get_absolute_url(), "/admin/login/", "/en/accounts/login/"):
        assert client.get(path, HTTP_HOST="media.example-cdn.org", secure=True).status_code == 404
    assert client.get(item.get_absolute_url()).status_code == 200  # the portal's own host is unchanged


def test_restricted_and_unpublished_previews_stay_on_the_portal_where_staff_are_signed_in(
        client, item_factory, settings, small_photo, media_origin):
    from newsreel.publishing import Status

    for item in (item_factory(kind="photo", access=Access.RESTRICTED), item_factory(status=Status.DRAFT)):
        medium = stored(item, Role.PHOTO_MEDIUM, small_photo.read_bytes(), media_root=settings.MEDIA_ROOT,
                        mime="image/jpeg", suffix=".jpg")
        assert medium.preview_url() == f"/preview/{medium.pk}/"


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSREEL_")}
    code = ("from newsreel import settings as s; print(s.ALLOWED_HOSTS); "
            "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], s.CONTENT_SECURITY_POLICY['DIRECTIVES']"
            "['media-src'])")
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                          timeout=60)


def test_the_media_origin_setting_is_an_origin_allowed_as_a_host_and_a_media_source():
    ok = _load_settings(NEWSREEL_MEDIA_ORIGIN="https://media.example-cdn.org/")
    assert ok.returncode == 0, ok.stderr
    hosts, sources = ok.stdout.splitlines()
    assert "media.example-cdn.org" in hosts and sources.count("https://media.example-cdn.org'") == 2
    bad = _load_settings(NEWSREEL_MEDIA_ORIGIN="https://media.example-cdn.org/files/")
    assert bad.returncode != 0 and "NEWSREEL_MEDIA_ORIGIN must be an origin" in bad.stderr
