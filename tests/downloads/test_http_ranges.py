from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreel.catalogue.models import Rendition, Role
from newsreel.lib.http import ByteRange, Unsatisfiable, content_disposition, parse_range

pytestmark = pytest.mark.django_db

SIZE = 100_000


@pytest.fixture
def served(item_factory, settings):
    item = item_factory()
    data = os.urandom(SIZE)
    path = Path(settings.MEDIA_ROOT) / "items" / item.reference / "derived" / "web.mp4"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    rendition = Rendition.objects.create(item=item, role=Role.WEB, file=str(path.relative_to(settings.MEDIA_ROOT)),
                                         mime_type="video/mp4", size=SIZE, sha256=hashlib.sha256(data).hexdigest())
    return rendition.preview_url(), data


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_whole_file_with_validators(client, served):
    url, data = served
    response = client.get(url)
    assert response.status_code == 200
    assert body(response) == data
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("header", "start", "end"), [
    ("bytes=0-0", 0, 0), (f"bytes={SIZE - 1}-{SIZE - 1}", SIZE - 1, SIZE - 1), ("bytes=-500", SIZE - 500, SIZE - 1),
    ("bytes=1000-", 1000, SIZE - 1), (f"bytes=99000-{SIZE + 5000}", 99000, SIZE - 1),
])
def test_single_ranges_are_partial_content(client, served, header, start, end):
    url, data = served
    response = client.get(url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert int(response["Content-Length"]) == end - start + 1
    assert body(response) == data[start:end + 1]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
def test_unsatisfiable_range_is_416_with_the_length(client, served, header):
    url, _ = served
    response = client.get(url, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", ",".join(f"{i}-{i}" for i in range(200)),
                                    "bytes=5-1", "items=0-5", "bytes=abc", "bytes=--5", "bytes 0-5"])
def test_multi_range_and_malformed_get_the_whole_file(client, served, header):
    url, data = served
    if not header.startswith(("bytes", "items")):
        header = "bytes=" + header
    response = client.get(url, HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == data


def test_if_range_with_stale_validator_sends_the_whole_file(client, served):
    url, data = served
    assert client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"stale"').status_code == 200
    etag = client.get(url)["ETag"]
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert fresh.status_code == 206 and body(fresh) == data[:10]


def test_conditional_get_and_head(client, served):
    url, _ = served
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head["Content-Length"] == str(SIZE) and head.content == b""


@given(size=st.integers(1, 10_000), a=st.integers(0, 12_000), b=st.integers(0, 12_000))
def test_parse_range_never_returns_bytes_outside_the_file(size, a, b):
    try:
        r = parse_range(f"bytes={a}-{b}", size)
    except Unsatisfiable:
        assert a >= size
        return
    if r is not None:
        assert isinstance(r, ByteRange)
        assert 0 <= r.start <= r.end < size


def test_content_disposition_has_ascii_fallback_and_utf8_name():
    header = content_disposition('Sommet "Bruxelles" — V-2026-0001.mp4')
    assert header.startswith('attachment; filename="Sommet _Bruxelles_  V-2026-0001.mp4"; ')
    assert "filename*=UTF-8''Sommet%20%22Bruxelles%22%20%E2%80%94%20V-2026-0001.mp4" in header
    assert "\n" not in content_disposition("a\r\nSet-Cookie: x=1.mp4")
    assert 'filename="negociations.mp4"' in content_disposition("négociations.mp4")
