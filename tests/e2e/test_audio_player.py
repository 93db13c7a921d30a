"""An audio item's page plays its recording: the player's source is a preview the portal serves."""

from __future__ import annotations

from newsreel.catalogue.models import Access, Kind
from newsreel.ingest.services import ingest_file
from tests.factories import make_item

LOAD_AUDIO = """() => new Promise(resolve => {
  const a = document.querySelector('audio');
  if (!a) { resolve({missing: true}); return; }
  a.onerror = () => resolve({error: a.error && a.error.code});
  a.onloadedmetadata = () => resolve({duration: a.duration});
  a.load();
})"""


def test_audio_item_page_player_loads_the_recording(site, page, small_wav):
    for access in (Access.OPEN, Access.REGISTERED):
        item = make_item(kind=Kind.AUDIO, frame_rate="", access=access)
        ingest_file(item=item, source=small_wav)
        statuses: list[int] = []
        page.on("response", lambda r: statuses.append(r.status) if "/preview/" in r.url else None)
        page.goto(f"{site.url}/en/media/{item.reference}/")
        result = page.evaluate(LOAD_AUDIO)
        assert abs(result.get("duration", 0) - 2.0) < 0.1, (access, result)
        assert statuses and all(status in (200, 206) for status in statuses), statuses
    assert not page.errors
