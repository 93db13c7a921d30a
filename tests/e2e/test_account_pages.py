"""Account pages render in the portal's look without script or CSP errors; screenshots on request
(NEWSREEL_SCREENSHOT_DIR=/some/dir)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PAGES = {"signup": "accounts/signup/", "reset": "accounts/password/reset/", "login": "accounts/login/"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_account_pages_load_cleanly_in_both_languages(site, page, lang):
    shots = os.environ.get("NEWSREEL_SCREENSHOT_DIR")
    for name, path in PAGES.items():
        page.goto(f"{site.url}/{lang}/{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("header.site-header").count() == 1
        if name == "signup":
            page.fill("#id_password1", "Ünïcødé pass")
            assert page.locator('li[data-rule="has_space"]').get_attribute("data-state") == "unmet"
            assert page.locator('li[data-rule="no_upper"]').get_attribute("data-state") == "met"
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"{name}-{lang}.png"), full_page=True)
    assert page.errors == []
