"""In a real browser: a word said only in a published caption finds the video, in English and in French; the
hit shows the cue with its source timecode, passes the sweep's checks at phone and desktop widths, and its
link opens the item page with the player at the cue's first frame."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import sweep_checks
from tests.e2e.test_transcript import captioned  # noqa: F401 - the published EN/FR captioned video

pytestmark = pytest.mark.e2e

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
# Other forms of words said in one cue only (stemming), found nowhere else in the item: "They shake hands"
# from 10:00:01:00, "Les dirigeants arrivent" from 10:00:00:05 (test_transcript.py).
QUERIES = {"en": ("shaking", "shake", "10:00:01:00"), "fr": ("dirigeant", "dirigeants", "10:00:00:05")}
SHOTS = Path("/tmp") / "newsreel-caption-search"  # screenshots for a person to look at; nothing reads them


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", QUERIES)
def test_a_caption_hit_on_the_search_page(site, page, captioned, lang, width):  # noqa: F811
    page.set_viewport_size(WIDTHS[width])
    query, marked, tc = QUERIES[lang]
    page.goto(f"{site.url}/{lang}/search/?q={query}")
    hit = page.locator(".caption-hit")
    expect(hit).to_have_count(1)
    expect(hit.locator(".tc")).to_have_text(tc)
    expect(hit.locator("mark")).to_have_text(marked)
    expect(hit.locator(f"span[lang={lang}]")).to_be_visible()
    problems = (sweep_checks.overflow(page) + sweep_checks.images(page) + sweep_checks.axe(page)
                + sweep_checks.lang(page, lang))
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{lang}-{width}.png"), full_page=True)
    assert problems == []
    assert page.errors == []

    hit.locator("a").click()
    expect(page).to_have_url(f"{site.url}/{lang}/media/{captioned.reference}/?t={tc}#transcript")
    expect(page.locator("[data-role=timecode]")).to_have_text(tc)
    assert page.errors == []
