"""Photo sets as ZIPs streamed on the fly, with captions, credit lines and terms."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from newsreel.catalogue.models import Access, Kind, Role
from newsreel.downloads.models import Download
from newsreel.downloads.zipstream import Member, stream_zip
from tests.downloads.conftest import add_file
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def photo(item_factory, settings, small_photo, **fields):
    item = item_factory(kind=Kind.PHOTO, frame_rate="", **fields)
    add_file(item, Role.PHOTO_LARGE, media_root=settings.MEDIA_ROOT, source=small_photo, mime="image/jpeg",
             suffix=".jpg")
    add_file(item, Role.PHOTO_MEDIUM, media_root=settings.MEDIA_ROOT, source=small_photo, mime="image/jpeg",
             suffix=".jpg")
    return item


def test_an_event_zip_holds_the_chosen_size_and_a_text_with_captions_credit_and_terms(
        client, member, item_factory, settings, small_photo):
    event = make_event(slug="summit-2026")
    first = photo(item_factory, settings, small_photo, event=event, summary_en="Leaders arrive", credit="© Alliance",
                  terms_en="Editorial use only.")
    second = photo(item_factory, settings, small_photo, event=event, summary_en="Family photo", credit="© Pool")
    hidden = photo(item_factory, settings, small_photo, event=event, access=Access.RESTRICTED)
    client.force_login(member)
    # The medium photo is the page's preview, not a download: asking for it gets the large one.
    assert "photo_large.zip" in client.head("/en/download/event/summit-2026/photos.zip?size=photo_medium")[
        "Content-Disposition"]
    response = client.get("/en/download/event/summit-2026/photos.zip?size=photo_large")
    assert response.status_code == 200 and response.streaming
    assert "Content-Length" not in response  # streamed as it is made
    assert 'summit-2026_photo_large.zip' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert f"{first.reference}_photo_large.jpg" in names and f"{second.reference}_photo_large.jpg" in names
    assert not any(hidden.reference in n for n in names)
    assert archive.getinfo(f"{first.reference}_photo_large.jpg").compress_type == zipfile.ZIP_STORED
    assert archive.read(f"{first.reference}_photo_large.jpg") == small_photo.read_bytes()
    notes = archive.read("CAPTIONS-CREDITS-TERMS.txt").decode()
    for expected in ("Leaders arrive", "Family photo", "© Alliance", "© Pool", "Editorial use only.",
                     "Credit the source."):
        assert expected in notes
    log = Download.objects.get()
    assert log.kind == "zip" and log.completed and log.bytes_sent > 2 * small_photo.stat().st_size


def test_an_item_zip_needs_an_account_unless_open(client, item_factory, settings, small_photo, terms):
    registered = photo(item_factory, settings, small_photo)
    assert client.get(f"/en/download/item/{registered.reference}/photos.zip").status_code == 302
    public = photo(item_factory, settings, small_photo, access=Access.OPEN)
    response = client.get(f"/en/download/item/{public.reference}/photos.zip")
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist() == [
        f"{public.reference}_photo_large.jpg", "CAPTIONS-CREDITS-TERMS.txt"]


def test_zip_streaming_memory_stays_flat_whatever_the_file_size(tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse: costs no disk
    tracemalloc.start()
    total = 0
    for chunk in stream_zip([Member("a.bin", path=big), Member("b.bin", path=big), Member("notes.txt", text="x")]):
        total += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total > 128 * 1024 * 1024
    assert peak < 4 * 1024 * 1024


def test_members_are_written_with_zip64_headers_so_size_is_no_limit(tmp_path):
    # Sizes are not known to zipfile up front on a non-seekable stream: ZIP64 from the start avoids failing
    # half-way through a member larger than 4 GiB.
    small = tmp_path / "a.jpg"
    small.write_bytes(b"x" * 1000)
    stream = b"".join(stream_zip([Member("a.jpg", path=small), Member("n.txt", text="hello")]))
    archive = zipfile.ZipFile(io.BytesIO(stream))
    assert archive.read("a.jpg") == b"x" * 1000 and archive.read("n.txt") == b"hello"
    assert b"\x01\x00" in stream[30:60]  # the ZIP64 extra field (header id 0x0001) in the first local header
