"""Whole-file delivery: logging, resume with real clients, validators, X-Accel offload, sidecars."""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections

from newsreel.catalogue.models import Role
from newsreel.downloads.models import Download
from tests.downloads.conftest import add_file

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_a_download_is_logged_with_who_what_and_the_bytes_sent(client, member, web_file):
    client.force_login(member)
    response = client.get(f"/en/download/{web_file.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert f"{web_file.item.reference}_broadcast.mp4" in response["Content-Disposition"]
    data = body(response)
    assert hashlib.sha256(data).hexdigest() == web_file.sha256
    log = Download.objects.get()
    assert (log.user, log.organisation, log.item, log.rendition, log.role) == (
        member, "Daily Example", web_file.item, web_file, "broadcast")
    assert (log.bytes_sent, log.bytes_expected, log.completed, log.range_start) == (len(data), len(data), True, 0)


def test_an_abandoned_download_is_logged_as_incomplete(rf, member, big_file):
    from newsreel.downloads.views import download_rendition

    request = rf.get(f"/en/download/{big_file.pk}/")
    request.user = member
    response = download_rendition(request, big_file.pk)
    chunks = iter(response.streaming_content)
    # A chunk counts as sent once the server asks for the next one (it has written the previous one).
    first, _second = next(chunks), next(chunks)
    # The client went away after one chunk: the server closes the response. (Keep the test's connection.)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    log = Download.objects.get()
    assert log.bytes_sent == len(first) < log.bytes_expected and not log.completed


def test_a_range_request_is_logged_with_its_first_byte(client, member, web_file):
    client.force_login(member)
    response = client.get(f"/en/download/{web_file.pk}/", HTTP_RANGE="bytes=1000-")
    assert response.status_code == 206
    body(response)
    log = Download.objects.get()
    assert (log.range_start, log.bytes_sent, log.completed) == (1000, web_file.size - 1000, True)


def test_if_range_with_a_stale_validator_sends_the_whole_file(client, member, web_file):
    client.force_login(member)
    fresh = client.get(f"/en/download/{web_file.pk}/", HTTP_RANGE="bytes=10-19")
    etag = fresh["ETag"]
    assert client.get(f"/en/download/{web_file.pk}/", HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=etag).status_code == 206
    stale = client.get(f"/en/download/{web_file.pk}/", HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE='"0123456789abcdef"')
    assert stale.status_code == 200 and len(body(stale)) == web_file.size
    old_date = client.get(f"/en/download/{web_file.pk}/", HTTP_RANGE="bytes=10-19",
                          HTTP_IF_RANGE="Mon, 01 Jan 2001 00:00:00 GMT")
    assert old_date.status_code == 200


def test_head_and_conditional_requests_send_no_body_and_log_nothing(client, member, web_file):
    client.force_login(member)
    head = client.head(f"/en/download/{web_file.pk}/")
    assert head.status_code == 200 and head["Content-Length"] == str(web_file.size) and head.content == b""
    again = client.get(f"/en/download/{web_file.pk}/", HTTP_IF_NONE_MATCH=head["ETag"])
    assert again.status_code == 304
    assert not Download.objects.exists()


def test_with_offload_django_checks_and_logs_and_nginx_gets_the_internal_path(client, member, web_file, settings):
    settings.NEWSREEL_ACCEL_REDIRECT_PREFIX = "/protected/"
    client.force_login(member)
    response = client.get(f"/en/download/{web_file.pk}/", HTTP_RANGE="bytes=500-")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected/{web_file.file.name}"
    assert response["Content-Type"] == "video/mp4"
    assert "attachment" in response["Content-Disposition"]
    log = Download.objects.get()
    assert log.offloaded and log.range_start == 500
    client.logout()
    assert "X-Accel-Redirect" not in client.get(f"/en/download/{web_file.pk}/")


def test_sidecar_holds_metadata_shotlist_credit_and_terms(client, member, item_factory, settings, terms):
    item = item_factory(title_en="Summit arrival", credit="© Alliance", copyright="© 2026 Alliance",
                        terms_en="Editorial use only.", start_timecode="10:00:00:00")
    item.shots.create(tc_in="10:00:01:00", tc_out="10:00:02:00", description_en="Leaders arrive")
    add_file(item, Role.BROADCAST, media_root=settings.MEDIA_ROOT)
    client.force_login(member)
    response = client.get(f"/en/download/item/{item.reference}/metadata.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for expected in ("Summit arrival", "10:00:01:00 – 10:00:02:00  Leaders arrive", "© Alliance", "© 2026 Alliance",
                     "Editorial use only.", "Credit the source."):
        assert expected in text
    assert Download.objects.get().kind == "sidecar"


def test_item_page_offers_downloads_with_credit_and_terms(client, member, item_factory, settings):
    item = item_factory(credit="© Alliance")
    rendition = add_file(item, Role.BROADCAST, media_root=settings.MEDIA_ROOT)
    page = client.get(item.get_absolute_url()).content.decode()
    assert f"/en/download/{rendition.pk}/" in page
    assert f"/en/download/item/{item.reference}/metadata.txt" in page
    assert "© Alliance" in page and "/en/accounts/terms/" in page
    rendition.access = "restricted"
    rendition.save()
    client.force_login(member)
    assert f"/en/download/{rendition.pk}/" not in client.get(item.get_absolute_url()).content.decode()


@pytest.fixture
def big_file(item_factory, settings):
    return add_file(item_factory(), Role.BROADCAST, os.urandom(8 * 1024 * 1024), media_root=settings.MEDIA_ROOT)


def _session_cookie(client, user) -> str:
    client.force_login(user)
    return f"{client.cookies['sessionid'].key}={client.cookies['sessionid'].value}"


@pytest.mark.django_db(transaction=True)
def test_curl_resumes_an_interrupted_download_byte_exactly(live_server, client, member, big_file, tmp_path):
    url = f"{live_server.url}/en/download/{big_file.pk}/"
    out = tmp_path / "clip.mp4"
    cookie = _session_cookie(client, member)
    # Interrupted half-way: a client that reads 1 MB and drops the connection. (This curl's --limit-rate does
    # not throttle loopback transfers, so curl itself cannot be stopped reliably mid-way.)
    connection = http.client.HTTPConnection(live_server.thread.host, live_server.thread.port, timeout=10)
    connection.request("GET", f"/en/download/{big_file.pk}/", headers={"Cookie": cookie})
    response = connection.getresponse()
    assert response.status == 200
    out.write_bytes(response.read(1024 * 1024))
    connection.sock.shutdown(socket.SHUT_RDWR)
    connection.close()
    resumed = subprocess.run(["curl", "-sS", "-f", "-b", cookie, "-C", "-", "-o", str(out), url], capture_output=True)
    assert resumed.returncode == 0, resumed.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == big_file.sha256
    wait_for(lambda: Download.objects.filter(completed=True).count() == 1 and Download.objects.count() == 2)
    first, second = Download.objects.order_by("id")
    assert not first.completed and first.range_start == 0 and first.bytes_sent < big_file.size
    assert second.range_start == 1024 * 1024 and second.bytes_sent == big_file.size - 1024 * 1024


@pytest.mark.django_db(transaction=True)
def test_wget_continues_a_partial_file_byte_exactly(live_server, client, member, big_file, tmp_path):
    url = f"{live_server.url}/en/download/{big_file.pk}/"
    out = tmp_path / "file.mp4"
    data = Path(big_file.file.path).read_bytes()
    out.write_bytes(data[: len(data) // 3])
    cookie = _session_cookie(client, member)
    done = subprocess.run(["wget", "-q", "-c", "--header", f"Cookie: {cookie}", "-O", str(out), url],
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == big_file.sha256
