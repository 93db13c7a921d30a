"""Journeys beside sign-up, reset and clips (issue #13): a member listens to an audio item and downloads it, and opens
a photo set (an event's photos) and downloads its ZIP with captions, credit and terms."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.catalogue.models import Item, Kind
from newsreel.ingest.services import ingest_file
from tests.factories import make_event, make_item, make_member

pytestmark = pytest.mark.e2e

PLAY = """() => new Promise(resolve => {
  const a = document.querySelector('audio');
  const timer = setTimeout(() => resolve({error: 'timeout', state: a.readyState}), 20000);
  a.addEventListener('error', () => { clearTimeout(timer); resolve({error: a.error && a.error.message}); });
  a.addEventListener('timeupdate', () => { if (a.currentTime > 0.2) { clearTimeout(timer);
    resolve({playing: true, duration: a.duration}); } });
  a.muted = true;
  a.play().catch(e => { clearTimeout(timer); resolve({error: String(e)}); });
})"""


def ingested(source: Any, **fields: Any) -> Item:
    item = make_item(frame_rate="", **fields)
    job = ingest_file(item=item, source=source)
    job.refresh_from_db()
    assert job.status == "done", job.message
    item.refresh_from_db()
    return item


def licensee(page: Any, site: Any) -> Any:
    terms = TermsVersion.objects.create(version="1", text_en="Credit the source.", text_fr="Citez la source.")
    member = make_member()
    accept_terms(user=member, terms=terms)
    client = Client()
    client.force_login(member)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}])
    return member


def test_a_member_plays_an_audio_item_and_downloads_its_file(site, page, small_wav, tmp_path):
    audio = ingested(small_wav, kind=Kind.AUDIO, title_en="Press conference")
    licensee(page, site)
    page.goto(f"{site.url}/en/media/{audio.reference}/", wait_until="networkidle")
    expect(page.locator("audio")).to_have_count(1)
    result = page.evaluate(PLAY)
    assert result.get("playing"), result
    assert abs(result["duration"] - 2) < 0.2
    link = page.locator("table.renditions a[download]").first
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix in (".mp3", ".wav") and saved.stat().st_size > 1000
    assert page.errors == []


def test_a_member_opens_a_photo_set_and_downloads_its_zip_with_credit_and_terms(site, page, small_photo, tmp_path):
    event = make_event(slug="summit", title_en="Leaders' summit")
    photos = [ingested(small_photo, kind=Kind.PHOTO, title_en=title, event=event, credit="© Alliance",
                       summary_en=title) for title in ("Family photo", "Handshake")]
    licensee(page, site)
    page.goto(f"{site.url}/en/events/summit/", wait_until="networkidle")
    cards = page.locator("li.card-photo img")
    expect(cards).to_have_count(2)
    for index in range(2):
        assert cards.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    with page.expect_download() as info:
        page.locator(".download-extras a[href$='photos.zip']").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    archive = zipfile.ZipFile(saved)
    assert archive.testzip() is None
    names = archive.namelist()
    for item in photos:
        assert any(item.reference in name for name in names), names
    notes = archive.read("CAPTIONS-CREDITS-TERMS.txt").decode()
    for expected in ("Family photo", "Handshake", "© Alliance", "Credit the source."):
        assert expected in notes
    assert page.errors == []
