"""The receiver's side, as documented: a replayed request (old timestamp) or a changed body is refused."""

from __future__ import annotations

import http.client
import time

import pytest

from newsreel.webhooks import signing
from newsreel.webhooks.tick import webhooks_tick
from tests.factories import make_item
from tests.webhooks.conftest import endpoint_for
from tests.webhooks.receiver import verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def _replay(receiver, request) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=10)
    headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
    connection.request("POST", request.path, body=request.body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_replayed_delivery_is_refused_once_its_timestamp_is_old(member, receiver, clock):
    endpoint = endpoint_for(member, receiver.url)
    receiver.secret = endpoint.secret
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()
    [original] = receiver.received
    assert original.verified
    assert _replay(receiver, original) == 200  # within the tolerance the signature alone cannot tell
    receiver.clock_offset = 301  # the same request captured and sent again five minutes later
    assert _replay(receiver, original) == 400
    assert not receiver.received[-1].verified


def test_verification_refuses_a_changed_body_a_wrong_secret_and_a_missing_timestamp():
    body, now = b'{"event":"item.published"}', int(time.time())
    header = signing.signature_header(["whsec_a"], now, body)
    assert verify("whsec_a", header, body, now) and signing.verify("whsec_a", header, body)
    assert not verify("whsec_a", header, body + b" ", now)
    assert not verify("whsec_b", header, body, now)
    assert not verify("whsec_a", header.split(",", 1)[1], body, now)
    assert not verify("whsec_a", header, body, now + 301) and not signing.verify("whsec_a", header, body,
                                                                                   now=now + 301)
    assert verify("whsec_a", header, body, now + 299)
