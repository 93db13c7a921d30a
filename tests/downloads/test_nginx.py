"""deploy/nginx.conf in front of the app with X-Accel offload: Django checks and logs, nginx sends the bytes."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from newsreel.catalogue.models import Role
from newsreel.downloads.models import Download
from tests.downloads.conftest import MP4_HEAD, add_file
from tests.downloads.nginx_harness import running_nginx

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("system_nginx")]

STATIC = Path(__file__).resolve().parents[2] / "newsreel" / "static"


@pytest.fixture
def nginx(live_server, settings, tmp_path):
    settings.NEWSREEL_ACCEL_REDIRECT_PREFIX = "/protected/"
    with running_nginx(tmp_path / "nginx", app_port=live_server.thread.port, media_root=Path(settings.MEDIA_ROOT),
                       static_root=STATIC) as port:
        yield f"http://127.0.0.1:{port}"


def curl(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["curl", "-sS", *args], capture_output=True, timeout=60)


def test_nginx_sends_the_file_django_allowed_and_resumes_a_range(nginx, client, member, item_factory, settings,
                                                                 tmp_path):
    rendition = add_file(item_factory(), Role.BROADCAST, MP4_HEAD + os.urandom(5 * 1024 * 1024 + 17),
                         media_root=settings.MEDIA_ROOT)
    client.force_login(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    url = f"{nginx}/en/download/{rendition.pk}/"

    whole = tmp_path / "whole.mp4"
    headers = tmp_path / "headers.txt"
    done = curl("-f", "-b", cookie, "-D", str(headers), "-o", str(whole), url)
    assert done.returncode == 0, done.stderr
    assert hashlib.sha256(whole.read_bytes()).hexdigest() == rendition.sha256
    head = headers.read_text().lower()
    assert "x-accel-redirect" not in head  # nginx consumes it
    assert f'filename="{rendition.item.reference.lower()}_broadcast.mp4"' in head
    assert "content-type: video/mp4" in head and "accept-ranges: bytes" in head

    partial = tmp_path / "resumed.mp4"
    partial.write_bytes(whole.read_bytes()[:2 * 1024 * 1024])  # an interrupted download
    resumed = curl("-f", "-b", cookie, "-C", "-", "-D", str(headers), "-o", str(partial), url)
    assert resumed.returncode == 0, resumed.stderr
    assert "206 partial content" in headers.read_text().lower()
    assert hashlib.sha256(partial.read_bytes()).hexdigest() == rendition.sha256

    logs = list(Download.objects.order_by("id").values_list("offloaded", "range_start", "user"))
    assert logs == [(True, 0, member.pk), (True, 2 * 1024 * 1024, member.pk)]


def test_nginx_refuses_unauthorised_and_internal_requests(nginx, item_factory, settings, terms):
    rendition = add_file(item_factory(), Role.BROADCAST, media_root=settings.MEDIA_ROOT)
    anonymous = curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", f"{nginx}/en/download/{rendition.pk}/")
    code, location = anonymous.stdout.decode().split(" ", 1)
    assert code == "302" and "/en/accounts/login/" in location
    direct = curl("-o", "/dev/null", "-w", "%{http_code}", f"{nginx}/protected/{rendition.file.name}")
    assert direct.stdout.decode() == "404"
    traversal = curl("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                     f"{nginx}/static/../../../../etc/passwd")
    assert traversal.stdout.decode() in ("400", "404")
    assert not Download.objects.exists()


def test_nginx_serves_static_files(nginx):
    css = next(STATIC.rglob("*.css")).relative_to(STATIC)
    response = curl("-f", "-o", "/dev/null", "-w", "%{http_code}", f"{nginx}/static/{css}")
    assert response.stdout.decode() == "200"


def cache_status(headers: str) -> str:
    return next((line.split(":", 1)[1].strip() for line in headers.splitlines()
                 if line.lower().startswith("x-cache-status:")), "")


def test_nginx_keeps_anonymous_pages_and_never_a_signed_in_one(nginx, client, member, item_factory):
    url = f"{nginx}{item_factory(title_en='Kept by nginx').get_absolute_url()}"
    first = curl("-D", "-", "-o", "/dev/null", url).stdout.decode()
    second = curl("-D", "-", url).stdout.decode()
    assert cache_status(first) == "MISS" and cache_status(second) == "HIT"
    assert "Kept by nginx" in second and "My account" not in second
    client.force_login(member)
    signed = curl("-b", f"sessionid={client.cookies['sessionid'].value}", "-D", "-", url).stdout.decode()
    assert cache_status(signed) == "BYPASS" and "My account" in signed
    again = curl("-D", "-", url).stdout.decode()
    assert cache_status(again) == "HIT" and "My account" not in again


def test_the_media_origin_block_passes_previews_only_and_no_cookies(nginx, client, item_factory, settings,
                                                                     small_photo):
    settings.NEWSREEL_MEDIA_ORIGIN = "http://files.example-media.net"
    settings.NEWSREEL_MEDIA_HOST = "files.example-media.net"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "files.example-media.net"]
    poster = add_file(item_factory(), Role.POSTER, media_root=settings.MEDIA_ROOT, source=small_photo,
                      suffix=".jpg")
    hidden = add_file(item_factory(access="restricted"), Role.POSTER, media_root=settings.MEDIA_ROOT,
                      source=small_photo, suffix=".jpg")
    staff = get_user_model().objects.create_user("staff", "staff@example.org", "x", is_staff=True)
    client.force_login(staff)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    media = ["-H", "Host: files.example-media.net", "-H", f"Cookie: {cookie}", "-o", "/dev/null", "-D", "-"]

    head = curl(*media, f"{nginx}/preview/{poster.pk}/").stdout.decode().lower()
    assert head.startswith("http/1.1 200") and "content-type: image/jpeg" in head and "set-cookie" not in head
    # The staff session never reaches Django through the media host: a restricted preview is not found there...
    assert curl(*media, f"{nginx}/preview/{hidden.pk}/").stdout.decode().startswith("HTTP/1.1 404")
    # ...and is served on the portal's own host, where the session is.
    portal = curl("-H", f"Cookie: {cookie}", "-o", "/dev/null", "-w", "%{http_code}", f"{nginx}/preview/{hidden.pk}/")
    assert portal.stdout == b"200"
    for path in ("/en/", "/admin/login/", f"/en/download/{poster.pk}/", "/static/newsreel/portal.css"):
        assert curl(*media, f"{nginx}{path}").stdout.decode().startswith("HTTP/1.1 404"), path
