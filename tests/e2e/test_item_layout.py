"""In a real browser: item pages fit a phone (no sideways scrolling, Download links on screen) and photos keep
their aspect ratio."""

from __future__ import annotations

import pytest

from newsreel.ingest.services import ingest_file
from tests.factories import make_item

pytestmark = pytest.mark.e2e


def _ingested(source, **fields):
    item = make_item(**fields)
    job = ingest_file(item=item, source=source)
    job.refresh_from_db()
    assert job.status == "done", job.message
    item.refresh_from_db()
    return item


def test_video_page_fits_a_phone_with_download_links_on_screen(site, page, small_video):
    video = _ingested(small_video, title_en="Summit arrival", frame_rate="")
    video.shots.create(position=1, tc_in="00:00:01:00", tc_out="00:00:02:00", description_en="Leaders arrive")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site.url}/en/media/{video.reference}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    links = page.locator("table.renditions a[download]")
    assert links.count() > 0
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    header = page.locator("header.site-header").bounding_box()
    assert header and header["height"] <= 200  # compact on phones
    # A card lists what its file has: the audio files of a video show no "Resolution: —" rows.
    assert page.locator("table.renditions td:visible", has_text="—").count() == 0
    assert page.locator("table.renditions td.na").count() > 0  # the WAV and MP3 have no resolution


def test_photo_preview_keeps_its_aspect_ratio(site, page, small_photo):
    photo = _ingested(small_photo, title_en="Handshake", kind="photo", frame_rate="")
    page.goto(f"{site.url}/en/media/{photo.reference}/")
    img = page.locator("img.photo-preview")
    img.wait_for()
    page.wait_for_function("document.querySelector('img.photo-preview').complete")
    natural = img.evaluate("i => i.naturalWidth / i.naturalHeight")
    box = img.bounding_box()
    assert box
    assert abs(box["width"] / box["height"] - natural) / natural < 0.01
