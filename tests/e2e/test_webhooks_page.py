"""The account's webhook pages in a real browser: add an endpoint, read its secret, see the delivery log, in
English and French, on a phone and a desktop, with the sweep's checks (no overflow, axe, no script errors); screenshots
on request (NEWSREEL_SCREENSHOT_DIR=/some/dir)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.webhooks.models import Delivery, Endpoint
from newsreel.webhooks.tick import webhooks_tick
from tests.e2e import sweep_checks as check
from tests.factories import make_item, make_member
from tests.webhooks.receiver import Receiver, serve

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
TEXT = {"en": {"add": "Add the webhook", "secret": "Signing secret", "none": "Nothing has been sent"},
        "fr": {"add": "Ajouter le webhook", "secret": "Secret de signature", "none": "Rien n’a encore été envoyé"}}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve(Receiver())


def _problems(page: Any, lang: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    found = check.lang(page, lang) + check.overflow(page) + check.axe(page)
    return found + [f"console/network error: {e}" for e in page.errors]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_member_adds_a_webhook_reads_its_secret_and_its_log(site, page, receiver, settings, lang, width):
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on loopback
    terms = TermsVersion.objects.create(version="1", text_en="Credit the source.", text_fr="Citez la source.")
    member = make_member()
    accept_terms(user=member, terms=terms)
    client = Client()
    client.force_login(member)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}])
    page.set_viewport_size(WIDTHS[width])
    problems: list[str] = []

    page.goto(f"{site.url}/{lang}/accounts/profile/")
    problems += [f"account page (with its new link): {p}" for p in _problems(page, lang)]
    page.locator(f"a[href='/{lang}/accounts/webhooks/']").click()
    problems += [f"list: {p}" for p in _problems(page, lang)]

    page.fill("input[name=url]", "http://10.0.0.1/hook")
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = False
    page.get_by_role("button", name=TEXT[lang]["add"]).click()
    assert page.locator(".errorlist").count() == 1  # refused, with the reason next to the field
    problems += [f"form error: {p}" for p in _problems(page, lang)]
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True

    page.fill("input[name=url]", receiver.url + "/with/a/rather/long/path/that/must/wrap/on/a/phone?x=1")
    page.get_by_role("button", name=TEXT[lang]["add"]).click()
    endpoint = Endpoint.objects.get(owner=member)
    receiver.secret = endpoint.secret
    assert page.locator("#wh-secret").inner_text() == endpoint.secret
    assert TEXT[lang]["none"] in page.content()
    problems += [f"detail: {p}" for p in _problems(page, lang)]

    receiver.answers = [500]
    make_item(title_en="Summit", publish_at=timezone.now())
    webhooks_tick()  # the first attempt fails; the retry is made due at once rather than waited for
    Delivery.objects.filter(endpoint=endpoint).update(next_attempt_at=timezone.now())
    webhooks_tick()  # ...the retry is delivered
    assert [r.verified for r in receiver.received] == [True, True]
    page.reload()
    log = page.locator("table.wh-log")
    assert log.locator("ol.wh-attempts li").count() == 2
    assert "HTTP 500" in log.inner_text() and "HTTP 200" in log.inner_text()
    problems += [f"log: {p}" for p in _problems(page, lang)]
    if shots := os.environ.get("NEWSREEL_SCREENSHOT_DIR"):
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"webhook-{lang}-{width}.png"), full_page=True)
    assert not problems, "\n".join(problems)
