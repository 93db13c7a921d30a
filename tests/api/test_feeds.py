"""Feeds read by a real feed parser (feedparser): RSS 2.0 and Atom, English and French, with Media RSS values
taken from the items' real renditions, hreflang alternates, conditional GET and the visibility rules."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import feedparser
import pytest
from django.conf import settings
from django.core.cache import cache
from lxml import etree

from newsreel.api.feeds.views import FEED_ENTRIES, MAX_QUERY_STRING
from newsreel.catalogue.models import Access, Role
from newsreel.publishing import Status
from tests.factories import make_article, make_event, make_item, make_member

MRSS = "{http://search.yahoo.com/mrss/}"
SITE = settings.SITE_URL
FORMATS = ("rss", "atom")
LANGS = ("en", "fr")

pytestmark = pytest.mark.django_db


def _feed(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _entry(parsed: Any, reference: str) -> Any:
    found = [entry for entry in parsed.entries if f"/media/{reference}/" in entry.link]
    assert len(found) == 1, [entry.link for entry in parsed.entries]
    return found[0]


def _xml_entry(content: bytes, reference: str) -> Any:
    root = etree.fromstring(content)
    for entry in root.iter("item", "{http://www.w3.org/2005/Atom}entry"):
        if reference in etree.tostring(entry).decode():
            return entry
    raise AssertionError(f"{reference} not in the feed")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_media_feed_carries_each_rendition_with_its_real_size_duration_and_dimensions(client, video, fmt, lang):
    parsed = _feed(client, f"/{lang}/feeds/media.{fmt}")
    assert parsed.feed.language == lang
    entry = _entry(parsed, video.reference)
    assert entry.title == ("Arrivée des dirigeants" if lang == "fr" else "Leaders arrive")
    assert entry.link == f"{SITE}/{lang}/media/{video.reference}/"
    contents = {c["url"]: c for c in entry.media_content}
    announced = [r for r in video.renditions.all()
                 if r.role in (Role.BROADCAST, Role.MASTER, Role.PROXY, Role.WEB, Role.AUDIO_WAV, Role.AUDIO_MP3)]
    assert len(announced) >= 4 and len(contents) == len(announced)
    for rendition in announced:
        url = (f"{SITE}/preview/{rendition.pk}/" if rendition.role == Role.WEB
               else f"{SITE}/{lang}/download/{rendition.pk}/")
        content = contents[url]
        assert int(content["filesize"]) == rendition.size > 0
        assert content["type"] == rendition.mime_type
        assert int(content["duration"]) == round(rendition.duration) == 3
        if rendition.mime_type.startswith("video/"):
            assert (content["medium"], content["width"], content["height"]) == ("video", "320", "180")
            assert content["framerate"] == "25"
        else:
            assert content["medium"] == "audio" and "width" not in content
    assert [c.get("isdefault") for c in entry.media_content].count("true") == 1
    assert contents[f"{SITE}/{lang}/download/{video.rendition(Role.BROADCAST).pk}/"]["isdefault"] == "true"
    thumbnails = entry.media_thumbnail
    assert f"{SITE}/preview/{video.rendition(Role.THUMBNAIL).pk}/" == thumbnails[0]["url"]
    assert (thumbnails[0]["width"], thumbnails[0]["height"]) == ("320", "180")
    assert entry.media_credit == [{"content": "© Alliance"}]
    assert entry.media_copyright == "Alliance 2026"
    assert entry.content[0]["value"] == ("Plans larges et serrés." if lang == "fr" else "Wide and close shots.")


@pytest.mark.parametrize("fmt", FORMATS)
def test_shotlist_is_timed_text_with_the_house_timecodes(client, video, fmt):
    response = client.get(f"/fr/feeds/media.{fmt}")
    texts = _xml_entry(response.content, video.reference).findall(f"{MRSS}text")
    assert [(t.get("start"), t.get("end"), t.get("lang"), t.text) for t in texts] == [
        ("00:00:00.000", "00:00:01.480", "fr", "00:00:00:00–00:00:01:12 Les voitures arrivent"),
        ("00:00:01.480", "00:00:02.800", "fr", "00:00:01:12–00:00:02:20 Poignée de main"),
    ]


def test_shot_times_count_from_the_start_timecode(client, video):
    video.start_timecode = "10:00:00:00"
    video.save()
    video.shots.update(tc_in="10:00:01:00", tc_out="10:00:02:00")
    texts = _xml_entry(client.get("/en/feeds/media.rss").content, video.reference).findall(f"{MRSS}text")
    assert {(t.get("start"), t.get("end")) for t in texts} == {("00:00:01.000", "00:00:02.000")}


@pytest.mark.parametrize("fmt", FORMATS)
def test_photo_entries_announce_image_sizes(client, photo, fmt):
    entry = _entry(_feed(client, f"/en/feeds/media/photo.{fmt}"), photo.reference)
    large = photo.rendition(Role.PHOTO_LARGE)
    content = next(c for c in entry.media_content if c["url"].endswith(f"/download/{large.pk}/"))
    assert (content["medium"], content["width"], content["height"]) == ("image", "1200", "800")
    assert int(content["filesize"]) == large.size
    assert "duration" not in content


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_hreflang_alternates_name_the_other_feed_and_each_page(client, video, fmt, lang):
    other = "en" if lang == "fr" else "fr"
    parsed = _feed(client, f"/{lang}/feeds/media.{fmt}")
    feed_type = "application/rss+xml" if fmt == "rss" else "application/atom+xml"
    assert {"rel": "alternate", "hreflang": other, "type": feed_type,
            "href": f"{SITE}/{other}/feeds/media.{fmt}"} in parsed.feed.links
    entry = _entry(parsed, video.reference)
    for code in LANGS:
        assert {"rel": "alternate", "hreflang": code, "type": "text/html",
                "href": f"{SITE}/{code}/media/{video.reference}/"} in entry.links


@pytest.mark.parametrize("cache_seconds", [300, 0], ids=["page-cache", "no-page-cache"])
def test_conditional_get_answers_304_until_the_feed_changes(client, video, settings, cache_seconds):
    settings.NEWSREEL_PAGE_CACHE_SECONDS = cache_seconds
    first = client.get("/en/feeds/media.atom")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    for headers in ({"HTTP_IF_NONE_MATCH": etag}, {"HTTP_IF_MODIFIED_SINCE": modified}):
        again = client.get("/en/feeds/media.atom", **headers)
        assert again.status_code == 304, headers
        assert again.content == b""
    make_item(title_en="Later arrival")
    changed = client.get("/en/feeds/media.atom", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Later arrival" in changed.content.decode()


def test_anonymous_feeds_are_public_and_kept_by_the_page_cache(client, video):
    first = client.get("/en/feeds/news.rss")
    assert first["X-Newsreel-Cache"] == "miss"
    assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    second = client.get("/en/feeds/news.rss")
    assert second["X-Newsreel-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    not_modified = client.get("/en/feeds/news.rss", HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304
    assert "public" in not_modified["Cache-Control"]
    cache.clear()  # not stored: the view itself answers the conditional request, as publicly
    rendered = client.get("/en/feeds/news.rss", HTTP_IF_NONE_MATCH=first["ETag"])
    assert rendered.status_code == 304
    assert "public" in rendered["Cache-Control"] and "Cookie" in rendered["Vary"]


def test_a_signed_in_readers_feed_is_private(client, video):
    client.force_login(make_member())
    response = client.get("/en/feeds/media.rss")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_drafts_and_embargoed_items_never_appear_until_the_embargo_passes(client, clock, fmt):
    make_item(title_en="Public one")
    make_item(title_en="Draft one", status=Status.DRAFT)
    make_item(title_en="Withdrawn one", status=Status.WITHDRAWN)
    make_item(title_en="Embargoed one", status=Status.SCHEDULED, publish_at=clock.now + dt.timedelta(hours=2))
    make_article(title_en="Embargoed news", publish_at=clock.now + dt.timedelta(hours=2))

    def titles(url: str) -> set[str]:
        return {entry.title for entry in _feed(client, url).entries}

    assert titles(f"/en/feeds/media.{fmt}") == {"Public one"}
    assert titles(f"/en/feeds/search.{fmt}?q=one") == {"Public one"}
    assert "Embargoed news" not in titles(f"/en/feeds/news.{fmt}")
    clock.advance(hours=3)
    assert titles(f"/en/feeds/media.{fmt}") == {"Public one", "Embargoed one"}
    assert "Embargoed news" in titles(f"/en/feeds/news.{fmt}")


def test_restricted_items_appear_without_their_files_and_no_file_path_is_ever_given(client, video, photo):
    photo.access = Access.RESTRICTED
    photo.save()
    response = client.get("/en/feeds/media.rss")
    entry = _entry(feedparser.parse(response.content), photo.reference)
    assert entry.title == "Handshake photo"
    assert "media_content" not in entry and "media_thumbnail" not in entry
    body = response.content.decode()
    assert settings.MEDIA_URL not in body and "renditions/" not in body and "items/" not in body


def test_search_feed_follows_the_search_filters(client, video, photo):
    make_item(title_en="Summit dinner", kind="audio")
    titles = {e.title for e in _feed(client, "/en/feeds/search.rss?q=dinner").entries}
    assert titles == {"Summit dinner"}
    only_video = _feed(client, "/en/feeds/search.atom?type=video")
    assert [e.title for e in only_video.entries] == ["Leaders arrive"]
    by_event = _feed(client, f"/fr/feeds/search.rss?event={video.event.slug}")
    assert [e.title for e in by_event.entries] == ["Arrivée des dirigeants"]
    self_link = next(link["href"] for link in only_video.feed.links if link["rel"] == "self")
    assert self_link == f"{SITE}/en/feeds/search.atom?type=video&sort=date"


def test_search_feed_refuses_a_query_string_past_its_bound(client):
    response = client.get("/en/feeds/search.rss?q=" + "a" * MAX_QUERY_STRING)
    assert response.status_code == 400
    assert b"too long" in response.content


def test_feeds_list_a_bounded_number_of_entries(client):
    for n in range(FEED_ENTRIES + 2):
        make_item(title_en=f"Clip {n}", publish_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n))
    entries = _feed(client, "/en/feeds/media.rss").entries
    assert len(entries) == FEED_ENTRIES
    assert entries[0].title == f"Clip {FEED_ENTRIES + 1}"  # newest first


@pytest.mark.parametrize("lang", LANGS)
def test_news_feed_is_in_the_readers_language(client, lang):
    make_article(title_en="Ministers meet", title_fr="Les ministres se réunissent", summary_en="In Brussels",
                 summary_fr="À Bruxelles")
    make_article(title_en="Draft statement", status=Status.DRAFT)
    parsed = _feed(client, f"/{lang}/feeds/news.atom")
    assert [e.title for e in parsed.entries] == (
        ["Les ministres se réunissent"] if lang == "fr" else ["Ministers meet"])
    assert parsed.entries[0].summary == ("À Bruxelles" if lang == "fr" else "In Brussels")


def test_event_feed_lists_the_events_media_and_news_only(client, video, photo):
    make_article(title_en="Summit opens", event=video.event)
    other = make_event()
    make_item(title_en="Elsewhere", event=other)
    titles = {e.title for e in _feed(client, f"/en/feeds/events/{video.event.slug}.rss").entries}
    assert titles == {"Leaders arrive", "Summit opens"}
    assert client.get("/en/feeds/events/no-such-event.rss").status_code == 404
    assert client.get("/en/feeds/media/sculpture.rss").status_code == 404


def test_feed_page_lists_the_feeds_in_french(client):
    response = client.get("/fr/feeds/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{SITE}/fr/feeds/news.rss" in body and f"{SITE}/fr/feeds/media/video.atom" in body
    assert "Flux" in body


def test_feeds_are_only_read(client):
    assert client.post("/en/feeds/news.rss").status_code == 405


def test_a_compressed_feeds_weak_etag_still_gets_a_304(client, video):
    first = client.get("/en/feeds/media.rss", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"].startswith('W/"')
    for _attempt in range(2):  # rendered, then from the page cache
        again = client.get("/en/feeds/media.rss", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304


def test_an_item_without_a_summary_is_described_by_its_description(client):
    make_item(title_en="No summary", description_en="Tanks <on> parade & more")
    entry = _feed(client, "/en/feeds/media.rss").entries[0]
    # HTML that shows the text as typed: an editor's "<" is never markup in a reader.
    assert entry.summary == "Tanks &lt;on&gt; parade &amp; more"


def test_a_feed_reader_gets_an_item_as_soon_as_it_is_published(client, video):
    draft = make_item(title_en="Breaking footage", status=Status.DRAFT)
    before = client.get("/en/feeds/media.rss")
    assert b"Breaking footage" not in before.content
    assert client.get("/en/feeds/media.rss")["X-Newsreel-Cache"] == "hit"
    draft.status = Status.PUBLISHED
    draft.save()
    after = client.get("/en/feeds/media.rss", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert feedparser.parse(after.content).entries[0].title == "Breaking footage"


def test_an_empty_feed_is_the_same_from_one_second_to_the_next(client, db):
    """Its date is not the current time, so its body and ETag stay put while nothing changes."""
    first = client.get("/en/feeds/news.rss")
    cache.clear()
    time.sleep(1.1)
    second = client.get("/en/feeds/news.rss")
    assert first.content == second.content and first["ETag"] == second["ETag"]
    assert b"1970" in first.content
