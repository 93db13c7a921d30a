"""NewsML-G2 newsItems of items and articles: well-formed, fitting IPTC's model of NewsML-G2 2.35 element by
element, read back by IPTC's own library, with the values of the real renditions and the pages' visibility."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import av
import NewsMLG2
import pytest
from django.conf import settings
from lxml import etree

from newsreel.api.newsml import article_newsml, item_newsml  # noqa: F401 - the functions the REST API reuses
from newsreel.api.newsml.articles import article_newsml as build_article
from newsreel.api.newsml.items import item_newsml as build_item
from newsreel.catalogue.models import Access, Role
from newsreel.publishing import Status
from tests.api.newsml_structure import NAR, XML_LANG, check_news_item
from tests.factories import make_article, make_item

pytestmark = pytest.mark.django_db
NS = {"n": NAR}
SITE = settings.SITE_URL
CONTENT_TYPE = "application/vnd.iptc.g2.newsitem+xml; charset=utf-8"


def _get(client: Any, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == CONTENT_TYPE
    return etree.fromstring(response.content)


def _texts(root: Any, path: str) -> dict[str, str]:
    return {el.get(XML_LANG, ""): el.text for el in root.findall(path, NS)}


def test_item_document_fits_the_newsml_g2_model_element_by_element(client, video, photo):
    for item in (video, photo):
        document = client.get(f"/api/newsml/items/{item.reference}.xml").content
        assert check_news_item(document) == []
        root = etree.fromstring(document)
        assert root.nsmap[None] == NAR
        assert root.get("standard") == "NewsML-G2" and root.get("standardversion") == "2.35"
        assert root.get("conformance") == "power"
        assert root.get("guid") == f"tag:127.0.0.1,{item.created_at.year}:newsreel:item:{item.reference}"
        assert int(root.get("version")) >= 1
        for required in ("n:itemMeta/n:itemClass", "n:itemMeta/n:provider", "n:itemMeta/n:versionCreated",
                         "n:contentMeta", "n:contentSet"):
            assert root.find(required, NS) is not None, required


def test_every_qcode_names_a_scheme_the_document_declares_or_the_iptc_catalog_has(client, video):
    root = _get(client, f"/api/newsml/items/{video.reference}.xml")
    local = {scheme.get("alias") for scheme in root.findall("n:catalog/n:scheme", NS)}
    catalog_ref = root.find("n:catalogRef", NS).get("href")
    name = catalog_ref.rsplit("/", 1)[1]
    iptc = etree.parse(str(Path(NewsMLG2.__file__).parent / "catalogs" / name))
    iptc_aliases = {scheme.get("alias") for scheme in iptc.iter(f"{{{NAR}}}scheme")}
    used = {value.split(":", 1)[0] for el in root.iter() for attr, value in el.attrib.items()
            if attr in ("qcode", "rendition", "renditionref", "timeunit", "durationunit", "videocodec",
                        "audiocodec", "role", "rel", "type")}
    assert used - local - iptc_aliases == set()
    assert {"ninat", "stat", "timeunit", "drol", "cpnat", "irel"} <= used & iptc_aliases


def test_iptcs_own_library_reads_the_item_back(client, video):
    document = client.get(f"/api/newsml/items/{video.reference}.xml").content
    item = NewsMLG2.NewsMLG2Document(filename_or_string=document).get_item()
    assert item.guid == f"tag:127.0.0.1,{video.created_at.year}:newsreel:item:{video.reference}"
    assert str(item.itemmeta.itemclass.qcode) == "ninat:video"
    assert str(item.itemmeta.pubstatus.qcode) == "stat:usable"
    assert str(item.contentmeta.creditline[0]) == "© Alliance"
    assert {str(h) for h in item.contentmeta.headline} == {"Leaders arrive", "Arrivée des dirigeants"}


def test_content_meta_carries_headline_description_subjects_place_credit_rights_and_languages(client, video):
    root = _get(client, f"/api/newsml/items/{video.reference}.xml")
    meta = root.find("n:contentMeta", NS)
    assert _texts(meta, "n:headline") == {"en": "Leaders arrive", "fr": "Arrivée des dirigeants"}
    assert _texts(meta, "n:description[@role='drol:caption']") == {
        "en": "Wide and close shots.", "fr": "Plans larges et serrés."}
    assert _texts(meta, "n:description[@role='drol:summary']")["fr"] == "Les dirigeants arrivent."
    assert [lang.get("tag") for lang in meta.findall("n:language", NS)] == ["en", "fr"]
    assert _texts(meta, "n:located/n:name") == {"en": "Brussels", "fr": "Bruxelles"}
    subjects = {s.get("qcode"): s.get("type") for s in meta.findall("n:subject", NS)}
    assert subjects == {"nrevent:summit-2026": "cpnat:event", "nrtag:defence": "cpnat:abstract",
                        "nrperson:jane-doe": "cpnat:person"}
    assert meta.find("n:creditline", NS).text == "© Alliance"
    rights = root.find("n:rightsInfo", NS)
    assert rights.find("n:copyrightNotice", NS).text == "Alliance 2026"
    assert _texts(rights, "n:usageTerms") == {"en": "Free for news use.", "fr": "Libre pour l'information."}
    links = {(link.get(XML_LANG), link.get("href")) for link in root.findall("n:itemMeta/n:link", NS)}
    assert links == {("en", f"{SITE}/en/media/{video.reference}/"), ("fr", f"{SITE}/fr/media/{video.reference}/")}


def _streams(path: str) -> dict[str, Any]:
    """What FFmpeg (through PyAV, independently of the portal's code) says of a file's streams."""
    with av.open(path) as container:
        out: dict[str, Any] = {}
        for stream in container.streams:
            out[stream.type] = stream
            out[f"{stream.type}_bitrate"] = stream.bit_rate
            out[f"{stream.type}_codec"] = stream.codec_context.codec.canonical_name
        return out


def test_remote_content_per_rendition_with_size_type_dimensions_duration_rate_bitrate_and_codec(client, video):
    root = _get(client, f"/api/newsml/items/{video.reference}.xml")
    remote = {el.get("rendition"): el for el in root.findall("n:contentSet/n:remoteContent", NS)}
    files = {f"nrrole:{r.role}" for r in video.renditions.all()}
    expected = {"nrrole:broadcast", "nrrole:master", "nrrole:web", "nrrole:audio_wav", "nrrole:audio_mp3"}
    assert set(remote) == expected | (files & {"nrrole:proxy"})
    for rendition in video.renditions.all():
        el = remote.get(f"nrrole:{rendition.role}")
        if el is None:
            continue
        assert int(el.get("size")) == rendition.size
        assert el.get("contenttype") == rendition.mime_type
        assert float(el.get("duration")) == pytest.approx(rendition.duration, abs=0.001)
        assert el.get("durationunit") == "timeunit:seconds"
        streams = _streams(rendition.file.path)
        if "video" in streams:
            assert (int(el.get("width")), int(el.get("height"))) == (320, 180)
            assert el.get("videoframerate") == "25"
            assert el.get("videocodec") == f"nrcodec:{streams['video_codec']}"
            assert int(el.get("videoavgbitrate")) == streams["video_bitrate"] > 0
        if "audio" in streams:
            assert el.get("audiocodec") == f"nrcodec:{streams['audio_codec']}"
            assert int(el.get("audiosamplerate")) == streams["audio"].sample_rate
            if streams["audio_bitrate"]:
                assert int(el.get("audiobitrate")) == streams["audio_bitrate"]
    broadcast = video.rendition(Role.BROADCAST)
    assert remote["nrrole:broadcast"].get("href") == f"{SITE}/en/download/{broadcast.pk}/"
    assert remote["nrrole:web"].get("href") == f"{SITE}/preview/{video.rendition(Role.WEB).pk}/"


def test_shotlist_is_timed_parts_with_timecodes(client, video):
    root = _get(client, f"/api/newsml/items/{video.reference}.xml")
    parts = root.findall("n:partMeta", NS)
    assert [(p.get("partid"), p.get("seq")) for p in parts] == [("shot1", "1"), ("shot2", "2")]
    delims = [p.find("n:timeDelim", NS).attrib for p in parts]
    assert [(d["start"], d["end"], d["timeunit"], d["renditionref"]) for d in delims] == [
        ("00:00:00:00", "00:00:01:12", "timeunit:timeCode", "nrrole:broadcast"),
        ("00:00:01:12", "00:00:02:20", "timeunit:timeCode", "nrrole:broadcast"),
    ]
    assert _texts(parts[1], "n:description") == {"en": "Handshake", "fr": "Poignée de main"}


def test_drafts_and_embargoed_items_are_not_found_and_appear_when_the_embargo_passes(client, clock):
    draft = make_item(status=Status.DRAFT)
    embargoed = make_item(status=Status.SCHEDULED, publish_at=clock.now + dt.timedelta(hours=1))
    article = make_article(publish_at=clock.now + dt.timedelta(hours=1))
    assert client.get(f"/api/newsml/items/{draft.reference}.xml").status_code == 404
    assert client.get(f"/api/newsml/items/{embargoed.reference}.xml").status_code == 404
    assert client.get(f"/api/newsml/articles/{article.slug}.xml").status_code == 404
    assert client.get("/api/newsml/items/V-1999-9999.xml").status_code == 404
    clock.advance(hours=2)
    assert client.get(f"/api/newsml/items/{embargoed.reference}.xml").status_code == 200
    assert client.get(f"/api/newsml/articles/{article.slug}.xml").status_code == 200
    assert client.get(f"/api/newsml/items/{draft.reference}.xml").status_code == 404


def test_a_withdrawn_item_is_canceled_without_content(client, video):
    video.status = Status.WITHDRAWN
    video.save()
    root = _get(client, f"/api/newsml/items/{video.reference}.xml", status=410)
    assert root.find("n:itemMeta/n:pubStatus", NS).get("qcode") == "stat:canceled"
    assert root.find("n:contentSet", NS) is None and root.find("n:partMeta", NS) is None


def test_restricted_files_are_not_announced_and_no_storage_path_is_given(client, video):
    video.access = Access.RESTRICTED
    video.save()
    document = client.get(f"/api/newsml/items/{video.reference}.xml").content
    root = etree.fromstring(document)
    assert root.findall("n:contentSet/n:remoteContent", NS) == []
    assert b"renditions/" not in document and b"items/V-" not in document
    assert settings.MEDIA_URL.encode() not in document


def test_version_grows_with_each_change(client, video):
    first = int(_get(client, f"/api/newsml/items/{video.reference}.xml").get("version"))
    video.title_en = "Leaders arrive in Brussels"
    video.save()
    second = int(_get(client, f"/api/newsml/items/{video.reference}.xml").get("version"))
    assert second >= first


def test_article_document_carries_both_languages_and_its_related_media(client, video):
    article = make_article(slug="summit-opens", title_en="Summit opens", title_fr="Ouverture du sommet",
                           summary_en="Leaders meet.", summary_fr="Les dirigeants se réunissent.",
                           body_en="<p>Leaders <strong>met</strong> today.</p>", body_fr="<p>Réunion.</p>",
                           reference="PR(2026)012", event=video.event)
    article.related_items.add(video)
    document = client.get(f"/api/newsml/articles/{article.slug}.xml").content
    assert check_news_item(document) == []
    root = etree.fromstring(document)
    assert root.find("n:itemMeta/n:itemClass", NS).get("qcode") == "ninat:text"
    meta = root.find("n:contentMeta", NS)
    assert _texts(meta, "n:headline") == {"en": "Summit opens", "fr": "Ouverture du sommet"}
    assert meta.find("n:altId", NS).text == "PR(2026)012"
    bodies = {el.get(XML_LANG): el for el in root.findall("n:contentSet/n:inlineData", NS)}
    assert bodies["en"].text == "<p>Leaders <strong>met</strong> today.</p>"
    assert (bodies["en"].get("contenttype"), bodies["en"].get("wordcount")) == ("text/html", "3")
    related = [link.get("href") for link in root.findall("n:itemMeta/n:link[@rel='irel:associatedWith']", NS)]
    assert related == [f"{SITE}/api/newsml/items/{video.reference}.xml"]


def test_the_functions_build_the_same_document_as_the_urls(client, video):
    article = make_article()
    item_bytes = build_item(item=video, request=None)
    assert item_bytes == client.get(f"/api/newsml/items/{video.reference}.xml").content
    assert re.match(rb"<\?xml version='1.0' encoding='utf-8'\?>", item_bytes)
    assert build_article(article=article, request=None) == client.get(
        f"/api/newsml/articles/{article.slug}.xml").content


def test_the_structure_check_refuses_what_the_model_does_not_allow(video):
    root = etree.fromstring(build_item(item=video))
    meta, content = root.find("n:itemMeta", NS), root.find("n:contentMeta", NS)
    root.remove(content)
    root.insert(list(root).index(meta), content)  # contentMeta before itemMeta
    root.find("n:contentSet/n:remoteContent", NS).set("fps", "25")
    root.find("n:contentSet/n:remoteContent", NS).set("width", "wide")
    del root.attrib["guid"]
    problems = "\n".join(check_news_item(etree.tostring(root)))
    assert "itemMeta comes after contentmeta" in problems
    assert "attribute fps is not declared" in problems
    assert "'wide' is not a xs:nonNegativeInteger" in problems
    assert "required attribute guid is missing" in problems


def _caption(item: Any, language: str, status: str = "published") -> Any:
    from newsreel.captions import services

    cue_set = services.cue_set_replace(item=item, language=language, cues=[], source="uploaded", status=status)
    cue_set.cues.create(start=0, end=25, text="Leaders arrive" if language == "en" else "Les dirigeants arrivent")
    return cue_set


def test_published_captions_are_remote_content_per_file_and_language(client, video):
    _caption(video, "en")
    _caption(video, "fr")
    _caption(video, "de", status="draft")
    document = client.get(f"/api/newsml/items/{video.reference}.xml").content
    assert check_news_item(document) == []
    root = etree.fromstring(document)
    captions = [c.attrib for c in root.findall("n:contentSet/n:remoteContent", NS)
                if c.get("rendition").startswith("nrrole:captions")]
    assert [(c["language"], c["rendition"], c["contenttype"]) for c in captions] == [
        ("en", "nrrole:captions_vtt", "text/vtt"), ("en", "nrrole:captions_srt", "application/x-subrip"),
        ("fr", "nrrole:captions_vtt", "text/vtt"), ("fr", "nrrole:captions_srt", "application/x-subrip")]
    assert captions[1]["href"] == f"{SITE}/en/download/item/{video.reference}/captions/en.srt"
    # The address serves the file (the item is open: anyone may download it).
    srt = client.get(captions[1]["href"].removeprefix(SITE))
    assert srt.status_code == 200 and "00:00:00,000 --> 00:00:01,000\nLeaders arrive" in srt.content.decode()
    # IPTC's library reads the files back with their language.
    item = NewsMLG2.NewsMLG2Document(filename_or_string=document).get_item()
    read = [(str(r.language), str(r.contenttype)) for r in item.contentset.remotecontent
            if str(r.rendition).startswith("nrrole:captions")]
    assert read == [(c["language"], c["contenttype"]) for c in captions]


def test_caption_files_are_not_announced_when_no_file_is(client, video):
    _caption(video, "en")
    video.access = Access.RESTRICTED
    video.save()
    root = _get(client, f"/api/newsml/items/{video.reference}.xml")
    assert root.findall("n:contentSet/n:remoteContent", NS) == []


def test_publishing_captions_raises_the_version(client, video, clock):
    cue_set = _caption(video, "en", status="draft")
    first = int(_get(client, f"/api/newsml/items/{video.reference}.xml").get("version"))
    clock.advance(seconds=5)
    cue_set.status = "published"
    cue_set.save()
    root = _get(client, f"/api/newsml/items/{video.reference}.xml")
    assert int(root.get("version")) > first
    assert root.find("n:contentSet/n:remoteContent[@language='en']", NS) is not None
