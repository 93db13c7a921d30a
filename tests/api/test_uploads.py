"""Resumable master uploads (tus 1.0 core) over real HTTP on loopback: resumed after a broken connection, a
chunk sent twice refused (409), limits on size and on open uploads, and the master ingested as an admin upload's."""

from __future__ import annotations

import base64
import http.client
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsreel.api.tokens import token_create
from newsreel.catalogue.models import Role
from tests.factories import make_item, make_member

pytestmark = pytest.mark.django_db(transaction=True)


class Tus:
    """A tus client speaking raw HTTP/1.1 to the live server."""

    def __init__(self, server: Any, token: str) -> None:
        self.host, self.port = server.thread.host, server.thread.port
        self.token = token

    def call(self, method: str, path: str, body: bytes = b"", **headers: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        head = {"Authorization": f"Bearer {self.token}", "Tus-Resumable": "1.0.0",
                **{name.replace("_", "-"): value for name, value in headers.items()}}
        connection.request(method, path, body=body, headers=head)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def create(self, reference: str, length: int, name: str = "master.mp4") -> str:
        metadata = "filename " + base64.b64encode(name.encode()).decode()
        response = self.call("POST", f"/api/v1/editorial/items/{reference}/uploads", Upload_Length=str(length),
                             Upload_Metadata=metadata)
        assert response.status == 201, response.status
        return urlsplit(response.getheader("Location")).path

    def patch(self, path: str, offset: int, data: bytes) -> http.client.HTTPResponse:
        return self.call("PATCH", path, data, Upload_Offset=str(offset),
                         Content_Type="application/offset+octet-stream")

    def offset(self, path: str) -> int:
        response = self.call("HEAD", path)
        assert response.status == 200 and response.getheader("Tus-Resumable") == "1.0.0"
        return int(response.getheader("Upload-Offset"))

    def broken_patch(self, path: str, offset: int, data: bytes, sent: int) -> None:
        """Announce all of `data`, send only its first `sent` bytes, and drop the connection."""
        with socket.create_connection((self.host, self.port), timeout=30) as sock:
            head = (f"PATCH {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
                    f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\n"
                    f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data)}\r\n\r\n")
            sock.sendall(head.encode() + data[:sent])
            sock.shutdown(socket.SHUT_WR)
            sock.recv(4096)  # the server's answer, once it saw the body end early


@pytest.fixture
def served(live_server: Any, settings: Any) -> Any:
    settings.NEWSREEL_API_RATE_TOKEN = 10_000
    _token, raw = token_create(user=make_member(is_staff=True), name="uploads", scopes=["editorial"])
    return Tus(live_server, raw)


def test_an_interrupted_upload_resumes_and_its_master_is_ingested(served, small_video):
    data = Path(small_video).read_bytes()
    item = make_item(title_en="Uploaded", frame_rate="")
    path = served.create(item.reference, len(data), name="summit master.mp4")
    assert served.offset(path) == 0

    first = served.patch(path, 0, data[:40_000])
    assert first.status == 204 and first.getheader("Upload-Offset") == "40000"
    again = served.patch(path, 0, data[:40_000])  # the same chunk sent twice
    assert again.status == 409 and again.getheader("Upload-Offset") == "40000"
    ahead = served.patch(path, 50_000, data[50_000:60_000])  # a gap
    assert ahead.status == 409

    served.broken_patch(path, 40_000, data[40_000:], sent=30_000)
    resumed_at = served.offset(path)
    assert 40_000 < resumed_at <= 70_000
    last = served.patch(path, resumed_at, data[resumed_at:])
    assert last.status == 204 and int(last.getheader("Upload-Offset")) == len(data)

    item.refresh_from_db()
    master = item.renditions.get(role=Role.MASTER)
    assert Path(master.file.path).read_bytes() == data
    job = item.ingest_jobs.get()
    assert job.status == "done" and job.source_name == "summit master.mp4"
    assert item.renditions.filter(role=Role.WEB).exists()
    assert served.patch(path, len(data), b"x").status == 409  # complete: nothing more


def test_size_limits_and_the_cap_on_open_uploads(served, settings):
    settings.NEWSREEL_MAX_UPLOAD_BYTES = 1000
    item = make_item()
    too_big = served.call("POST", f"/api/v1/editorial/items/{item.reference}/uploads", Upload_Length="1001")
    assert too_big.status == 413 and too_big.getheader("Tus-Max-Size") == "1000"
    path = served.create(item.reference, 10)
    assert served.patch(path, 0, b"x" * 11).status == 413  # past the declared length
    assert served.offset(path) == 0
    for _n in range(2):
        served.create(item.reference, 10)
    refused = served.call("POST", f"/api/v1/editorial/items/{item.reference}/uploads", Upload_Length="10")
    assert refused.status == 429
    assert served.call("DELETE", path).status == 204
    served.create(item.reference, 10)  # room again


def test_uploads_speak_tus_and_belong_to_their_editor(served, live_server):
    item = make_item()
    path = served.create(item.reference, 10)
    no_version = served.call("PATCH", path, b"x", Tus_Resumable="0.2", Upload_Offset="0",
                             Content_Type="application/offset+octet-stream")
    assert no_version.status == 412
    wrong_type = served.call("PATCH", path, b"x", Upload_Offset="0", Content_Type="application/json")
    assert wrong_type.status == 415
    with socket.create_connection((served.host, served.port), timeout=30) as sock:  # chunked: no length
        sock.sendall((f"PATCH {path} HTTP/1.1\r\nHost: {served.host}\r\nAuthorization: Bearer {served.token}\r\n"
                      "Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream"
                      "\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n").encode())
        answer = b""
        while not answer.endswith(b"}") and (chunk := sock.recv(4096)):  # to the end of the error body
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 400") and b"Content-Length" in answer
    assert served.offset(path) == 0
    _token, other = token_create(user=make_member(is_staff=True), name="other", scopes=["editorial"])
    assert Tus(live_server, other).call("HEAD", path).status == 404
    _token, member = token_create(user=make_member(), name="member", scopes=["download"])
    assert Tus(live_server, member).call("POST", f"/api/v1/editorial/items/{item.reference}/uploads",
                                         Upload_Length="10").status == 403
