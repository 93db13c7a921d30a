"""The phone header: compact (≤ 110 px at 390 × 844), no sideways scroll at 360 px, a menu that opens without
script, in English and French. Screenshots on request (NEWSREEL_SCREENSHOT_DIR=/some/dir)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e import sweep_checks

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_phone_header_is_compact_and_its_menu_opens(site, page, lang):
    shots = os.environ.get("NEWSREEL_SCREENSHOT_DIR")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site.url}/{lang}/")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"home-390-{lang}.png"))
    header = page.locator("header.site-header").bounding_box()
    assert header["y"] == 0 and header["height"] <= 110, header
    assert sweep_checks.overflow(page) == []
    assert sweep_checks.axe(page) == []  # landmark-unique, heading order, contrast among them
    assert sweep_checks.images(page) == []  # the logo loads, undistorted
    assert page.locator(".lang-switch a[hreflang='fr']").is_visible()
    assert page.locator("#sign-in-link").is_visible()
    logo = page.locator("img.brand-logo")
    assert logo.get_attribute("width") and logo.get_attribute("height") and logo.get_attribute("alt") == ""
    menu_links = page.locator("nav.main-nav .menu-list a")
    assert not menu_links.first.is_visible()
    page.locator("nav.main-nav summary").click()
    assert menu_links.count() == 5
    for i in range(5):
        assert menu_links.nth(i).is_visible()
    assert sweep_checks.axe(page) == []
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"home-390-menu-{lang}.png"))
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{site.url}/{lang}/")
    assert sweep_checks.overflow(page) == []
    if shots:
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path=str(Path(shots) / f"home-1366-{lang}.png"))
    assert page.errors == []


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [1366, 1920])
def test_desktop_shows_the_header_as_one_row(site, page, lang, width):
    # French labels are longer: the header must still hold one row, search beside the navigation.
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site.url}/{lang}/")
    assert not page.locator("nav.main-nav summary").is_visible()
    row = page.locator("nav.main-nav .nav-row a")
    assert row.count() == 5 and all(row.nth(i).is_visible() for i in range(5))
    assert page.locator("header.site-header").bounding_box()["height"] <= 90
    assert page.errors == []
