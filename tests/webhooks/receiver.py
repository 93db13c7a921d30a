"""A webhook receiver written as docs/webhooks.md tells a partner to write one, independent of the portal's
code: a real HTTP server on loopback that checks each request's signature and timestamp, records it, and
answers with whatever status a test scripts."""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE = 300  # seconds, as documented


def verify(secret: str, header: str, body: bytes, now: float) -> bool:
    """The documented procedure: parse t and every v1; refuse a t too far from now (replay); accept when the
    HMAC-SHA256 of "<t>.<body>" under the secret equals one v1 (compared in constant time)."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in fields.get("v1", []))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = ""
    answers: list[int] = field(default_factory=list)  # statuses for the next requests; then 200
    retry_after: str = ""
    delay: float = 0.0  # seconds before answering
    response_body: bytes = b"ok"
    clock_offset: float = 0.0  # the receiver's clock, ahead of the real one (to test replays)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        ok = verify(self.secret, headers.get("Newsreel-Signature", ""), body, time.time() + self.clock_offset)
        with self.lock:
            self.received.append(Received(path, headers, body, ok))
            status = self.answers.pop(0) if self.answers else 200
        if not ok:  # what a receiver does with a request it cannot trust
            return 400, {}, b"bad signature"
        extra = {"Retry-After": self.retry_after} if self.retry_after and status in (429, 503) else {}
        if 300 <= status < 400:
            extra["Location"] = f"http://127.0.0.1:{self.port}/elsewhere"
        return status, extra, self.response_body


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if receiver.delay:
                time.sleep(receiver.delay)
            status, headers, reply = receiver.handle(self.path, dict(self.headers.items()), body)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except OSError:
                pass  # the sender gave up (its time limit)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def serve(receiver: Receiver, tls: tuple[str, str] | None = None) -> Iterator[Receiver]:
    """Serve on an ephemeral loopback port; with `tls` (certificate file, key file), over HTTPS."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
