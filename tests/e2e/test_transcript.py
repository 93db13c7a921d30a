"""In a real browser: captions on and off, the transcript seeks the player, and selecting cues sets the clip,
which downloads with exactly the selected frames; its captions, cut to the clip (as a download and as subtitle
tracks inside it), line up with them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.captions import services
from newsreel.catalogue.models import Item
from newsreel.ingest.services import ingest_file
from tests.downloads.test_clip_captions import tracks as subtitle_tracks
from tests.e2e import sweep_checks
from tests.e2e.test_clip_download import frames_in, signed_in
from tests.factories import make_item, make_member

pytestmark = pytest.mark.e2e

CUES = {"en": ["Leaders arrive", "They shake hands", "Then they leave"],
        "fr": ["Les dirigeants arrivent", "Ils se serrent la main", "Puis ils partent"]}
TIMES = [("10:00:00:05", "10:00:01:00"), ("10:00:01:00", "10:00:02:00"), ("10:00:02:00", "10:00:02:20")]


@pytest.fixture
def captioned(site, small_video):
    item = make_item(title_en="Summit arrival", frame_rate="")
    job = ingest_file(item=item, source=small_video)
    job.refresh_from_db()
    assert job.status == "done", job.message
    Item.objects.filter(pk=item.pk).update(start_timecode="10:00:00:00")
    item.refresh_from_db()
    for language, texts in CUES.items():
        cue_set = services.cue_set_replace(item=item, language=language, cues=[], source="uploaded")
        for (tc_in, tc_out), text in zip(TIMES, texts, strict=True):
            cue_set.cues.create(start=cue_set.frame_of(tc_in), end=cue_set.frame_of(tc_out), text=text)
        services.cue_set_publish(cue_set=cue_set, published=True)
    return item


def test_captions_transcript_and_a_clip_from_selected_cues(site, page, captioned, tmp_path):
    terms = TermsVersion.objects.create(version="1", text_en="Credit us.", text_fr="Citez-nous.")
    member = make_member()
    accept_terms(user=member, terms=terms)
    signed_in(page, site, member)
    page.goto(f"{site.url}/en/media/{captioned.reference}/")
    timecode = page.locator("[data-role=timecode]")
    expect(timecode).to_have_text("10:00:00:00")
    transcript = page.locator("#transcript ol[lang=en]")
    expect(transcript).to_be_visible()
    expect(page.locator("#transcript ol[lang=fr]")).to_be_hidden()

    # Captions on: the English track shows; French chosen: the French one, and the French transcript.
    video = page.locator("#player")
    modes = "v => Array.from(v.textTracks).map(t => t.language + ':' + t.mode).join(',')"
    page.check("[data-role=captions-on]")
    assert video.evaluate(modes) == "en:showing,fr:hidden"
    page.select_option("[data-role=language]", "fr")
    assert video.evaluate(modes) == "en:hidden,fr:showing"
    expect(page.locator("#transcript ol[lang=fr]")).to_be_visible()
    page.uncheck("[data-role=captions-on]")
    assert video.evaluate(modes) == "en:hidden,fr:hidden"
    page.select_option("[data-role=language]", "en")

    # A cue's timecode seeks the player to its first frame, and the cue is marked as the current one.
    cues = transcript.locator("li")
    cues.nth(1).locator("button").click()
    expect(timecode).to_have_text("10:00:01:00")
    expect(cues.nth(1)).to_have_attribute("aria-current", "true")
    expect(cues.nth(0)).not_to_have_attribute("aria-current", "true")

    # Select the text of the first two cues: the clip is set to their in and out.
    first_text, second_text = cues.nth(0).locator(".cue-text"), cues.nth(1).locator(".cue-text")
    first_text.evaluate("(a, b) => document.getSelection().setBaseAndExtent(a.firstChild, 0, b.firstChild, 4)",
                        second_text.element_handle())
    page.click("[data-role=use-selection]")
    assert page.input_value("#clip-in") == "10:00:00:05"
    assert page.input_value("#clip-out") == "10:00:02:00"
    expect(page.locator("#transcript [data-role=status]")).to_contain_text("10:00:00:05 – 10:00:02:00")
    page.check("#clip-tool input[name=captions]")  # and carry the captions inside the clip
    with page.expect_download() as info:
        page.click("#clip-tool button[type=submit]")
    clip = tmp_path / info.value.suggested_filename
    info.value.save_as(clip)
    assert clip.name == f"{captioned.reference}_10-00-00-05_10-00-02-00_broadcast.mp4"
    assert frames_in(clip) == 45
    # Its subtitle tracks (read by ffmpeg): both cues per language, from its first frame to its last.
    assert subtitle_tracks(clip) == {"eng": [(0, 20, "Leaders arrive"), (20, 45, "They shake hands")],
                                     "fra": [(0, 20, "Les dirigeants arrivent"), (20, 45, "Ils se serrent la main")]}

    # The captions of that clip: the two cues, from its first frame, ending on its last.
    response = page.request.get(f"{site.url}/en/download/item/{captioned.reference}/captions/en.srt"
                                "?in=10:00:00:05&out=10:00:02:00")
    assert response.status == 200
    assert response.text() == ("1\n00:00:00,000 --> 00:00:00,800\nLeaders arrive\n\n"
                               "2\n00:00:00,800 --> 00:00:01,800\nThey shake hands\n")
    assert round(1.8 * 25) == frames_in(clip)
    assert page.errors == []


def test_keyboard_range_and_no_axe_violation(site, page, captioned):
    page.goto(f"{site.url}/en/media/{captioned.reference}/")
    expect(page.locator("[data-role=timecode]")).to_have_text("10:00:00:00")
    buttons = page.locator("#transcript ol[lang=en] li button")
    buttons.nth(1).focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-role=timecode]")).to_have_text("10:00:01:00")
    buttons.nth(2).focus()
    page.keyboard.press("Shift+Enter")  # from the cue chosen before to this one
    assert page.input_value("#clip-in") == "10:00:01:00"
    assert page.input_value("#clip-out") == "10:00:02:20"
    assert sweep_checks.axe(page) == []
    assert page.errors == []


def test_a_french_reader_gets_the_french_transcript_first(site, page, captioned):
    page.goto(f"{site.url}/fr/media/{captioned.reference}/")
    expect(page.locator("[data-role=timecode]")).to_have_text("10:00:00:00")
    expect(page.locator("#transcript ol[lang=fr]")).to_be_visible()
    expect(page.locator("#transcript ol[lang=en]")).to_be_hidden()
    assert page.input_value("[data-role=language]") == "fr"
    expect(page.locator("#transcript h2")).to_have_text("Transcription")
    buttons = page.locator("#transcript ol[lang=fr] li button")
    buttons.nth(0).click()
    buttons.nth(1).click(modifiers=["Shift"])
    assert page.input_value("#clip-in") == "10:00:00:05"
    assert page.input_value("#clip-out") == "10:00:02:00"
    expect(page.locator("#transcript [data-role=status]")).to_have_text(
        "Extrait réglé sur les sous-titres choisis\u00a0: 10:00:00:05 – 10:00:02:00.")
    assert sweep_checks.axe(page) == []
    assert page.errors == []
