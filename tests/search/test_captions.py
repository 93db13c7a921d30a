"""Published caption text in search: found with its language's stemming, shown as the matching cue with its
timecode, linked to the item page at that frame; drafts never found; every edit of the captions followed."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from django.db import transaction

from newsreel.captions.formats import TimedText
from newsreel.captions.models import CaptionStatus, Cue, CueSet
from newsreel.captions.services import cue_set_publish, cue_set_replace, cue_split, cues_merge
from newsreel.catalogue.models import Kind
from newsreel.catalogue.timelinks import item_time_link, video_frame
from newsreel.search import caption_lines
from newsreel.search.engine import search
from newsreel.search.indexing import MAX_CAPTION_TERMS, MAX_TERMS_PER_COLUMN, reindex_all
from newsreel.search.models import SearchText
from newsreel.search.params import SearchParams
from newsreel.search.snippets import annotate
from tests.factories import make_item

pytestmark = pytest.mark.django_db(transaction=False)


def found(q: str, lang: str = "en") -> list[int]:
    return [hit.obj.pk for hit in search(SearchParams(q=q), lang=lang).hits]


def timed(*texts: str, step: float = 2) -> list[TimedText]:
    return [TimedText(Fraction(i * step), Fraction(i * step + step), text) for i, text in enumerate(texts)]


def captioned(language: str, *texts: str, status: str = CaptionStatus.PUBLISHED, **item: Any) -> Any:
    video = make_item(title_en="Press briefing", title_fr="Point de presse", start_timecode="10:00:00:00", **item)
    cue_set_replace(item=video, language=language, cues=timed(*texts), source="uploaded", status=status)
    return video


def test_english_caption_words_are_found_stemmed_as_english() -> None:
    video = captioned("en", "Good morning.", "The ministers negotiated the treaty overnight.")
    assert found("negotiated") == [video.pk]
    assert found("negotiating") == [video.pk]  # the English stem, as for titles
    assert found('"negotiated the treaty"') == [video.pk]  # phrases inside a cue
    assert found("ministre") == []


def test_french_caption_words_are_found_in_a_french_search() -> None:
    video = captioned("fr", "Bonjour à tous.", "Les ministres ont négocié le traité pendant la nuit.")
    assert found("négociations", lang="fr") == [video.pk]  # French stem: négoci
    assert found("negocie", lang="fr") == [video.pk]  # typed without accents
    assert found("traité", lang="en") == [video.pk]  # the words are found from either page


def test_draft_caption_words_are_not_found_and_unpublishing_removes_them() -> None:
    draft = captioned("en", "Secret armistice wording.", status=CaptionStatus.DRAFT)
    assert found("armistice") == []
    cue_set = CueSet.objects.get(item=draft)
    cue_set_publish(cue_set=cue_set, published=True)
    assert found("armistice") == [draft.pk]
    cue_set_publish(cue_set=cue_set, published=False)
    assert found("armistice") == []


def test_cue_edits_and_deletions_follow_inside_the_transaction() -> None:
    video = captioned("en", "Agreement on fisheries.", "Second point: pensions.")
    cue_set = CueSet.objects.get(item=video)
    first = cue_set.cues.get(text__startswith="Agreement")
    first.text = "Agreement on agriculture."
    first.save()  # the cue list's inline edit in the back office
    assert found("fisheries") == [] and found("agriculture") == [video.pk]
    cue_split(cue=first)
    merged = cues_merge(cues=list(cue_set.cues.all()))
    assert found("pensions") == [video.pk] and "pensions" in merged.text
    Cue.objects.filter(pk=merged.pk).delete()  # the back office's "delete selected cues"
    assert found("pensions") == []
    cue_set_replace(item=video, language="en", cues=timed("Harbour reopened."), source="uploaded")
    assert found("harbour") == [video.pk]
    try:
        with transaction.atomic():
            cue_set_replace(item=video, language="en", cues=timed("Lighthouse."), source="uploaded")
            assert found("lighthouse") == [video.pk]  # in the content's transaction...
            raise RuntimeError
    except RuntimeError:
        pass
    assert found("lighthouse") == [] and found("harbour") == [video.pk]  # ...and rolled back with it
    CueSet.objects.filter(pk=cue_set.pk).delete()
    assert found("harbour") == []


def test_deleting_a_captioned_item_leaves_no_row() -> None:
    video = captioned("en", "Harbour reopened.")
    video.delete()
    assert found("harbour") == [] and not SearchText.objects.exists()


def test_a_hit_shows_the_cue_with_its_source_timecode_and_links_to_that_frame() -> None:
    video = captioned("en", "Good morning.", "The ministers negotiated the treaty overnight.")
    page = search(SearchParams(q="negotiating"), lang="en")
    annotate(page.hits, page.query, "en")
    hit = page.hits[0]
    assert hit.shot is None and hit.line is hit.caption
    assert (hit.caption.language, hit.caption.tc_in, hit.caption.tc_out) == ("en", "10:00:02:00", "10:00:04:00")
    assert "<mark>negotiated</mark>" in hit.line_snippet
    assert hit.line_url == f"{video.get_absolute_url()}?t=10:00:02:00#transcript"


def test_a_shotlist_match_comes_before_a_caption_match() -> None:
    video = captioned("en", "Wide view of the harbour.")
    video.shots.create(position=0, tc_in="10:00:05:00", tc_out="10:00:09:00", description_en="Harbour cranes")
    page = search(SearchParams(q="harbour"), lang="en")
    annotate(page.hits, page.query, "en")
    assert page.hits[0].shot is not None and page.hits[0].caption is None
    assert page.hits[0].line_url.endswith("?t=10:00:05:00#shotlist")


def test_audio_captions_link_to_a_clock_time() -> None:
    audio = make_item(kind=Kind.AUDIO, frame_rate="", title_en="Interview")
    cue_set_replace(item=audio, language="en", cues=timed("Hello.", "About the reservoir levels.", step=1.5),
                    source="uploaded", status=CaptionStatus.PUBLISHED)
    page = search(SearchParams(q="reservoir"), lang="en")
    annotate(page.hits, page.query, "en")
    assert page.hits[0].caption.tc_in == "00:00:01.500"
    assert page.hits[0].line_url == f"{audio.get_absolute_url()}?t=00:00:01.500#transcript"


def test_a_long_transcript_is_indexed_up_to_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caption_lines, "MAX_CUES", 30)
    texts = [f"cue{i} words here" for i in range(40)]
    video = captioned("en", *texts, description_en="Description " * 6000)
    row = SearchText.objects.get(document__item=video)
    assert found("cue29") == [video.pk] and found("cue30") == []  # the first MAX_CUES cues only
    # The item's own text is capped first; the captions keep their own budget after it.
    assert len(row.en.split()) <= MAX_TERMS_PER_COLUMN + MAX_CAPTION_TERMS
    assert "cue0" in row.words.split()


def test_words_budget_bounds_each_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caption_lines, "MAX_WORDS", 10)
    video = captioned("en", *[f"alpha{i} beta gamma delta epsilon" for i in range(5)])
    assert found("alpha1") == [video.pk] and found("alpha2") == []


def test_reindex_covers_captions() -> None:
    video = captioned("en", "Harbour reopened.")
    SearchText.objects.all().update(en="", fr="", words="")
    assert found("harbour") == []
    reindex_all()
    assert found("harbour") == [video.pk]


def test_the_search_page_shows_the_cue_in_both_languages(client: Any) -> None:
    video = captioned("en", "Good morning.", "The ministers negotiated the treaty overnight.")
    cue_set_replace(item=video, language="fr", cues=timed("Bonjour.", "Les ministres ont négocié le traité."),
                    source="uploaded", status=CaptionStatus.PUBLISHED)
    url = video.get_absolute_url().replace("/en/", "/fr/")
    html = client.get("/fr/search/?q=n%C3%A9gociation").content.decode()
    assert f'href="{url}?t=10:00:02:00#transcript"' in html
    assert '<span lang="fr">Les ministres ont <mark>négocié</mark> le traité.</span>' in html
    assert "Sous-titres FR" in html and "dans la transcription" in html
    html = client.get("/en/search/?q=treaty").content.decode()
    assert f'href="{video.get_absolute_url()}?t=10:00:02:00#transcript"' in html
    assert "<mark>treaty</mark>" in html and "Captions EN" in html


def test_the_link_names_the_cue_frame_as_the_portal_reads_it(client: Any) -> None:
    video = captioned("en", "Good morning.", "The treaty.", duration=60)
    page = search(SearchParams(q="treaty"), lang="en")
    annotate(page.hits, page.query, "en")
    url, moment = page.hits[0].line_url, page.hits[0].caption.moment
    assert client.get(url).status_code == 200
    # The server's reading of `t` (oEmbed, embeds) gives back the same frame: the cue's first.
    assert item_time_link(video, moment) == "10:00:02:00"
    assert video_frame(moment, rate=Fraction(25), start_timecode="10:00:00:00") == 50


def test_with_captions_filter_and_facet(client: Any) -> None:
    captioned_video = captioned("en", "Harbour reopened.")
    plain = make_item(title_en="Harbour at dawn")
    captioned("en", "Harbour draft.", status=CaptionStatus.DRAFT)  # a draft is no captions
    assert set(found("harbour")) >= {captioned_video.pk, plain.pk}
    page = search(SearchParams(q="harbour", captions=True), lang="en")
    assert [hit.obj.pk for hit in page.hits] == [captioned_video.pk]
    assert [hit.obj.pk for hit in search(SearchParams(captions=True), lang="en").hits] == [captioned_video.pk]
    counts = {v.value: v.count for v in search(SearchParams(q="harbour"), lang="en").facets["captions"]}
    assert counts == {"1": 1}
    html = client.get("/fr/search/?q=harbour").content.decode()
    assert "Avec sous-titres" in html and "captions=1" in html
    assert SearchParams.from_query({"captions": "1"}).query_string() == "captions=1"
