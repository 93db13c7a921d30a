"""No delivery to private, loopback, link-local or otherwise non-public addresses unless a setting allows it:
refused with a clear error at registration, and refused at delivery on the address actually connected to."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from newsreel.webhooks.addresses import UnsafeURL, check_url, is_public, parse_target
from newsreel.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint
from newsreel.webhooks.services import endpoint_create
from newsreel.webhooks.tick import webhooks_tick
from tests.factories import make_item
from tests.webhooks.conftest import endpoint_for


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:1.1.1.1", "2002:7f00:1::", "64:ff9b::a00:1",
])
def test_non_public_addresses_are_refused(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8300/hook", "http://localhost:8300/hook", "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook", "https://10.0.0.8/", "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0:8300/", "http://2130706433/",
])
def test_private_targets_are_refused_at_registration(url, db, settings):
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeURL, match="not a public internet address"):
        check_url(url, allow_private=False)


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.org/x", "must start with https://"),
    ("file:///etc/passwd", "must start with https://"),
    ("https://user:pw@example.org/", "user name or password"),
    ("https:///nohost", "no valid host name"),
    ("https://example.org:99999/", "not a valid web address"),
    ("https://" + "a" * 600 + ".org/", "too long"),
    ("https://no-such-host.invalid/", "cannot be found"),
])
def test_malformed_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(UnsafeURL, match=message):
        check_url(url, allow_private=False)


def test_target_keeps_path_query_and_host_header():
    target = parse_target("https://Hooks.Example.org:8443/in/news?x=1")
    assert (target.host, target.port, target.path) == ("hooks.example.org", 8443, "/in/news?x=1")
    assert target.host_header == "hooks.example.org:8443"


def test_the_form_says_why_a_private_address_is_refused(client, member, settings):
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(member)
    page = client.post(reverse("webhooks:endpoints"), {"url": "http://localhost:8300/hook"})
    assert page.status_code == 400
    assert "not a public internet address" in page.content.decode()
    assert not Endpoint.objects.exists()
    with pytest.raises(ValidationError):
        endpoint_create(owner=member, url="http://127.0.0.1/hook")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_delivery_to_a_private_address_is_refused_in_production(host, member, receiver, clock, settings):
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True  # registered on a laptop, say; then production settings
    endpoint = endpoint_for(member, f"http://{host}:{receiver.port}/hook")
    receiver.secret = endpoint.secret
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = False
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()
    assert receiver.received == []
    attempt = Attempt.objects.get()
    assert attempt.status_code is None and attempt.error.startswith("refused:")
    assert f"sent to {host}:" in attempt.error  # the name as written; its address is not told to the owner
    assert Delivery.objects.get().status == DeliveryStatus.PENDING  # counted as a failure, retried later

    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True  # the test's control: the same delivery does arrive
    clock.advance(hours=2)
    webhooks_tick()
    assert len(receiver.received) == 1 and receiver.received[0].verified


def test_request_line_cannot_be_broken_and_other_characters_are_encoded():
    with pytest.raises(UnsafeURL, match="not a valid web address"):
        parse_target("https://example.org/a\r\nX-Injected: 1")
    assert parse_target("https://example.org/réception?q=été").path == "/r%C3%A9ception?q=%C3%A9t%C3%A9"


def test_production_refuses_to_allow_private_receivers():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSREEL_")}
    env.update({"NEWSREEL_ENV": "production", "NEWSREEL_ALLOWED_HOSTS": "media.example.org",
                "NEWSREEL_SECRET_KEY": "0123456789abcdef" * 3 + "Zz", "NEWSREEL_WEBHOOKS_ALLOW_PRIVATE": "1"})
    result = subprocess.run([sys.executable, "-c", "import newsreel.settings"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and "NEWSREEL_WEBHOOKS_ALLOW_PRIVATE" in result.stderr
