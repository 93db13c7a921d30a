"""HTTPS: the connection goes to the checked address, and TLS still checks the certificate against the name in
the URL (SNI and host name), so pinning the address costs nothing in security."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from newsreel.webhooks.models import Attempt, Delivery, DeliveryStatus
from newsreel.webhooks.tick import webhooks_tick
from tests.factories import make_item
from tests.system_tools import require_tool
from tests.webhooks.conftest import endpoint_for
from tests.webhooks.receiver import Receiver, serve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for the name "localhost"."""
    require_tool("openssl")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return str(cert), str(key)


@pytest.fixture
def tls_receiver(certificate: tuple[str, str]) -> Iterator[Receiver]:
    yield from serve(Receiver(), tls=certificate)


def _publish_and_tick(clock) -> None:
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()


def test_https_delivery_checks_the_certificate_for_the_urls_name(member, tls_receiver, certificate, clock,
                                                                 monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])  # the receiver's certificate is trusted, as a CA's would be
    endpoint = endpoint_for(member, f"https://localhost:{tls_receiver.port}/hook")
    tls_receiver.secret = endpoint.secret
    _publish_and_tick(clock)
    [request] = tls_receiver.received
    assert request.verified and request.headers["Host"] == f"localhost:{tls_receiver.port}"
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_certificate_for_another_name_is_refused(member, tls_receiver, certificate, clock, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])
    endpoint_for(member, f"https://127.0.0.1:{tls_receiver.port}/hook")  # the certificate says "localhost"
    _publish_and_tick(clock)
    assert tls_receiver.received == []
    assert Attempt.objects.get().error.startswith("TLS: SSLCertVerificationError")


def test_an_untrusted_certificate_is_refused(member, tls_receiver, clock):
    endpoint_for(member, f"https://localhost:{tls_receiver.port}/hook")
    _publish_and_tick(clock)
    assert tls_receiver.received == []
    assert "certificate verify failed" in Attempt.objects.get().error
