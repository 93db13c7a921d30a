"""Numbers in requests (headers, forms, query strings) are bounded before they are converted: a huge or odd
number gets the RFC's answer or a clear message, never a server error."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from newsreel.catalogue.models import Rendition, Role
from newsreel.downloads.models import ClipCache
from tests.downloads.conftest import add_file
from tests.factories import sign_in_staff

pytestmark = pytest.mark.django_db

HUGE = "9" * 5000
SIZE = 10_000


@pytest.fixture
def open_file(item_factory, settings):
    item = item_factory(access="open")
    data = os.urandom(SIZE)
    path = Path(settings.MEDIA_ROOT) / "items" / item.reference / "derived" / "broadcast.mp4"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    rendition = Rendition.objects.create(item=item, role=Role.BROADCAST, mime_type="video/mp4", size=SIZE,
                                         file=str(path.relative_to(settings.MEDIA_ROOT)),
                                         sha256=hashlib.sha256(data).hexdigest())
    return f"/en/download/{rendition.pk}/", data


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("header", "status", "content_range"), [
    (f"bytes={HUGE}-", 416, f"bytes */{SIZE}"),  # first byte past the end
    (f"bytes={HUGE}-{HUGE}", 416, f"bytes */{SIZE}"),
    (f"bytes=0-{HUGE}", 206, f"bytes 0-{SIZE - 1}/{SIZE}"),  # last byte past the end: up to the end
    (f"bytes=-{HUGE}", 206, f"bytes 0-{SIZE - 1}/{SIZE}"),  # more than the whole file: the whole file
    (f"bytes={'0' * 5000}1-{'0' * 5000}9", 206, f"bytes 1-9/{SIZE}"),  # leading zeros are still small numbers
    ("bytes=\u0663-\u0665", 200, None),  # digits other than ASCII are not a range: the whole file
])
def test_range_numbers_of_any_length_get_the_rfc_answer(client, open_file, header, status, content_range):
    url, data = open_file
    response = client.get(url, HTTP_RANGE=header)
    assert response.status_code == status
    assert response.get("Content-Range") == content_range
    if status == 206:
        first, last = (int(n) for n in content_range.split()[1].split("/")[0].split("-"))
        assert body(response) == data[first:last + 1]
    if status == 200:
        assert body(response) == data


def test_range_numbers_of_any_length_are_logged_with_nginx_offload(client, open_file, settings):
    settings.NEWSREEL_ACCEL_REDIRECT_PREFIX = "/protected/"
    url, _data = open_file
    for header in (f"bytes={HUGE}-", "bytes=\u0663-"):
        assert client.get(url, HTTP_RANGE=header).status_code == 200


@pytest.fixture
def video(item_factory, settings, small_video):
    item = item_factory(start_timecode="10:00:00:00", frame_rate="25", title_en="Summit")
    add_file(item, Role.BROADCAST, media_root=settings.MEDIA_ROOT, source=small_video)
    return item


@pytest.mark.parametrize(("tc_in", "tc_out"), [
    ("10:00:00:00", HUGE),
    ("10:00:00:00", f"{HUGE}.5"),
    ("10:00:00:00", f"1.{HUGE}"),
    (HUGE, "10:00:01:00"),
    ("10:00:00:00", "\u0663"),
])
def test_a_clip_point_of_any_length_is_refused_with_a_message(client, member, video, tc_in, tc_out):
    client.force_login(member)
    rendition = video.renditions.get(role=Role.BROADCAST)
    response = client.post(f"/en/download/clip/{video.reference}/", {"rendition": rendition.pk, "tc_in": tc_in,
                                                                     "tc_out": tc_out, "mode": "accurate"})
    assert response.status_code == 302 and response["Location"].endswith("#clip-tool")
    page = client.get(response["Location"]).content.decode()
    assert "is not a timecode" in page or "past the end of the video" in page
    assert not ClipCache.objects.exists()


@pytest.mark.parametrize("rendition", [HUGE, "99999999999999999999", "-1", "\u0663"])
def test_a_clip_of_a_rendition_id_of_any_length_is_refused_with_a_message(client, member, video, rendition):
    client.force_login(member)
    response = client.post(f"/en/download/clip/{video.reference}/", {"rendition": rendition, "tc_in": "10:00:00:00",
                                                                     "tc_out": "10:00:01:00"})
    assert response.status_code == 302
    assert "Choose a version" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("page", [HUGE, "99999999999999999999", "\u00b2", "\u0663", "-1", "1e3"])
@pytest.mark.parametrize("url", ["/en/events/", "/en/search/", "/en/media/", "/en/news/"])
def test_a_page_number_of_any_length_is_not_found_or_the_first_page(client, url, page):
    assert client.get(url, {"page": page}).status_code in (200, 404)


@pytest.mark.parametrize("url", ["/preview/99999999999999999999/", "/en/download/99999999999999999999/",
                                 "/en/download/clips/99999999999999999999/file"])
def test_an_id_in_the_path_of_any_length_is_not_found(client, member, url):
    client.force_login(member)
    assert client.get(url).status_code in (302, 404)


@pytest.mark.parametrize(("since", "until"), [("2026-02-30", "2026-13-01"), (HUGE, HUGE), ("\u0663", "")])
def test_statistics_dates_that_do_not_exist_fall_back_to_the_default_period(client, since, until):
    staff = get_user_model().objects.create_user("editor", "editor@example.org", "x", is_staff=True,
                                                 is_superuser=True)
    sign_in_staff(client, staff)
    response = client.get("/admin/downloads/download/statistics/", {"since": since, "until": until})
    assert response.status_code == 200


@pytest.mark.parametrize("header", ["HTTP_IF_MODIFIED_SINCE", "HTTP_IF_RANGE"])
@pytest.mark.parametrize("date", [f"Mon, 01 Jan {HUGE} 00:00:00 GMT", f"Mon, {HUGE} Jan 2026 00:00:00 GMT",
                                  f"Mon, 01 Jan 2026 00:00:{HUGE} GMT", f"Mon, 01 Jan 2026 00:00:00 +{HUGE}"])
def test_http_dates_with_numbers_of_any_length_are_ignored(client, open_file, header, date):
    url, _data = open_file
    response = client.get(url, **{header: date, "HTTP_RANGE": "bytes=0-9"})
    # An unreadable If-Modified-Since is ignored (the range is sent); an unreadable If-Range means the whole file.
    assert response.status_code == (200 if header == "HTTP_IF_RANGE" else 206)
