"""One POST to a webhook URL with the standard library's http.client, bounded in every way a receiver could
abuse: connect and total time, response size, no redirects followed, no proxies from the environment, and the
connection made to the resolved and checked address (addresses.py), never to a name resolved a second time.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from newsreel.webhooks.addresses import IPAddress, Target, resolve

MAX_RESPONSE_BYTES = 64 * 1024  # read, then drop the connection: a receiver answers with a status, not a file
EXCERPT_CHARS = 500


class DeliveryError(Exception):
    """The request did not get an HTTP answer: refused address, DNS, connection, TLS, time limit."""


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: str
    excerpt: str


def post(target: Target, body: bytes, headers: dict[str, str], *, connect_timeout: float, total_timeout: float,
         allow_private: bool) -> Answer:
    deadline = time.monotonic() + total_timeout
    addresses = resolve(target, allow_private=allow_private)  # UnsafeURL is a ValueError, not a DeliveryError
    sock = _connect(target, addresses, connect_timeout, deadline)
    # A receiver that trickles its answer a byte at a time never hits a per-read timeout: the watchdog closes
    # the socket when the total time is up, whatever the read is doing.
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _shut, args=(sock,))
    watchdog.daemon = True
    watchdog.start()
    try:
        return _exchange(target, sock, body, headers, deadline)
    except (OSError, http.client.HTTPException) as exc:
        if time.monotonic() >= deadline:
            raise DeliveryError(f"no complete answer within {total_timeout:g} s") from exc
        raise DeliveryError(_describe(exc)) from exc
    finally:
        watchdog.cancel()
        sock.close()


def _connect(target: Target, addresses: list[IPAddress], connect_timeout: float, deadline: float) -> socket.socket:
    last: Exception | None = None
    for address in addresses:
        timeout = min(connect_timeout, max(0.01, deadline - time.monotonic()))
        try:
            sock = socket.create_connection((str(address), target.port), timeout=timeout)
        except OSError as exc:
            last = exc
            continue
        if target.scheme != "https":
            return sock
        try:
            # Certificate and SNI checked against the name in the URL, not the address connected to.
            return ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)
        except (OSError, ssl.SSLError) as exc:
            sock.close()
            raise DeliveryError(f"TLS: {_describe(exc)}") from exc
    raise DeliveryError(f"cannot connect to {target.host}:{target.port}: {_describe(last)}")


def _exchange(target: Target, sock: socket.socket, body: bytes, headers: dict[str, str],
              deadline: float) -> Answer:
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    connection = http.client.HTTPConnection(target.host, target.port)
    connection.sock = sock  # already connected (and wrapped in TLS): http.client does not connect again
    connection.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", target.host_header)
    for name, value in {**headers, "Content-Length": str(len(body)), "Connection": "close"}.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    data = response.read(MAX_RESPONSE_BYTES)
    try:
        text = data.decode(response.headers.get_content_charset() or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = data.decode("utf-8", errors="replace")
    return Answer(response.status, response.headers.get("Retry-After", ""), " ".join(text.split())[:EXCERPT_CHARS])


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "no address"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:280]
