"""A photo's page offers a text sidecar with its caption, credit, copyright, terms and dimensions."""

from __future__ import annotations

from newsreel.catalogue.models import Access, Kind
from newsreel.ingest.services import ingest_file
from tests.factories import make_item


def test_photo_page_links_a_sidecar_with_caption_credit_terms_and_dimensions(site, page, small_photo, tmp_path):
    item = make_item(kind=Kind.PHOTO, frame_rate="", access=Access.OPEN, title_en="Leaders at the summit",
                     summary_en="The leaders pose for the family photo.", credit="© Alliance / J. Doe",
                     copyright="Alliance 2026", terms_en="Editorial use only.")
    ingest_file(item=item, source=small_photo)
    master = item.renditions.get(role="master")
    page.goto(f"{site.url}/en/media/{item.reference}/")
    with page.expect_download() as info:
        page.click("text=Caption, credit, terms and dimensions (.txt)")
    path = tmp_path / "sidecar.txt"
    info.value.save_as(path)
    text = path.read_text()
    for expected in ("Leaders at the summit", "The leaders pose for the family photo.", "Credit: © Alliance / J. Doe",
                     "Copyright: Alliance 2026", "Editorial use only.",
                     f"Dimensions: {master.width} × {master.height} px"):
        assert expected in text, expected
    assert not page.errors
