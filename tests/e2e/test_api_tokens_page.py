"""The API tokens page in a real browser, as the sweep checks every page: both languages, desktop and phone,
no sideways overflow, no console or CSP error, axe-core clean, language declared; the secret shown once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from newsreel.api.tokens import token_create
from tests.e2e import sweep_checks as check
from tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def _signed_in(page: Any, site: Any) -> Any:
    member = make_member()
    token_create(user=member, name="Newsroom ingest script with a long name", scopes=["download"])
    client = Client()
    client.force_login(member)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}])
    return member


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_tokens_page_is_clean_in_the_browser(site: Any, page: Any, lang: str, width: str) -> None:
    page.set_viewport_size(WIDTHS[width])
    _signed_in(page, site)
    page.goto(f"{site.url}/{lang}/accounts/api-tokens/", wait_until="networkidle")
    problems = check.lang(page, lang) + check.overflow(page) + check.axe(page)
    assert problems == [] and page.errors == []
    assert page.locator("code", has_text="nrl_").count() == 1
