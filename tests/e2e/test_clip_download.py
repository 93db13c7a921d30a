"""In a real browser: mark in and out on a video page by keys and by a shotlist line, download the clip, and
count its frames with the system ffprobe."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.catalogue.models import Item
from newsreel.ingest.services import ingest_file
from tests.factories import make_item, make_member
from tests.workers import DB_TASKS, worker_command, worker_env

pytestmark = pytest.mark.e2e


def frames_in(path: Path) -> int:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                          "stream=nb_read_frames", "-of", "json", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return int(json.loads(out)["streams"][0]["nb_read_frames"])


def signed_in(page, site, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}])


@pytest.fixture
def video(site, small_video):
    item = make_item(title_en="Summit arrival", frame_rate="")
    job = ingest_file(item=item, source=small_video)
    job.refresh_from_db()
    assert job.status == "done", job.message
    # A source timecode that is not zero, as from a camera: shotlist and clips count from it.
    Item.objects.filter(pk=item.pk).update(start_timecode="10:00:00:00")
    item.refresh_from_db()
    item.shots.create(position=1, tc_in="10:00:01:00", tc_out="10:00:02:00", description_en="Leaders arrive")
    return item


def test_a_member_marks_in_and_out_and_downloads_exactly_those_frames(site, page, video, tmp_path):
    terms = TermsVersion.objects.create(version="1", text_en="Credit us.", text_fr="Citez-nous.")
    member = make_member()
    accept_terms(user=member, terms=terms)
    signed_in(page, site, member)
    page.goto(f"{site.url}/en/media/{video.reference}/")
    timecode = page.locator("[data-role=timecode]")
    expect(timecode).to_have_text("10:00:00:00")  # metadata loaded (the page's CSP forbids eval-based waits)

    # By keys: step to frame 10, mark in; step 15 more, mark out (out keeps the frame we are on).
    page.locator("h1").click()
    for frame in range(1, 11):
        page.keyboard.press("ArrowRight")
        expect(timecode).to_have_text(f"10:00:00:{frame:02d}")
    page.keyboard.press("i")
    page.keyboard.press("Shift+ArrowRight")  # one second: 25 frames
    expect(timecode).to_have_text("10:00:01:10")
    page.keyboard.press("o")
    assert page.input_value("#clip-in") == "10:00:00:10"
    assert page.input_value("#clip-out") == "10:00:01:11"
    assert timecode.text_content() == "10:00:01:10"
    with page.expect_download() as info:
        page.click("#clip-tool button[type=submit]")
    download = info.value
    assert download.suggested_filename == f"{video.reference}_10-00-00-10_10-00-01-11_broadcast.mp4"
    keyed = tmp_path / download.suggested_filename
    download.save_as(keyed)
    assert frames_in(keyed) == 26

    # By a shotlist line: 10:00:01:00 to 10:00:02:00, 25 frames.
    page.goto(f"{site.url}/en/media/{video.reference}/")
    expect(timecode).to_have_text("10:00:00:00")
    page.click("#shot-1 button[data-shot]")
    assert page.input_value("#clip-in") == "10:00:01:00"
    assert page.input_value("#clip-out") == "10:00:02:00"
    with page.expect_download() as info:
        page.click("#clip-tool button[type=submit]")
    shot = tmp_path / info.value.suggested_filename
    info.value.save_as(shot)
    assert shot.name == f"{video.reference}_10-00-01-00_10-00-02-00_broadcast.mp4"
    assert frames_in(shot) == 25
    assert page.errors == []


def test_a_long_clip_waits_on_a_status_page_then_is_offered_and_mailed(site, page, video, settings, smtp, tmp_path):
    terms = TermsVersion.objects.create(version="1", text_en="Credit us.", text_fr="Citez-nous.")
    member = make_member()
    accept_terms(user=member, terms=terms)
    settings.TASKS = DB_TASKS
    settings.NEWSREEL_CLIP_SYNC_SECONDS = 0  # every clip goes to the queue
    signed_in(page, site, member)
    page.goto(f"{site.url}/en/media/{video.reference}/")
    expect(page.locator("[data-role=timecode]")).to_have_text("10:00:00:00")
    page.fill("#clip-in", "10:00:00:05")
    page.fill("#clip-out", "10:00:02:05")
    page.locator("#clip-out").press("Tab")
    page.click("#clip-tool button[type=submit]")
    expect(page.locator("[data-role=state]")).to_contain_text("You can leave this page")
    download_link = page.locator("[data-role=download]")
    expect(download_link).to_be_hidden()

    env = worker_env(NEWSREEL_MEDIA_ROOT=str(settings.MEDIA_ROOT), NEWSREEL_WORKER_NICE="0",
                     NEWSREEL_EMAIL_URL=f"smtp://{smtp.host}:{smtp.port}", NEWSREEL_SITE_URL=site.url)
    worker = subprocess.run(worker_command("clips"), env=env, capture_output=True, timeout=120)
    assert worker.returncode == 0, worker.stdout[-2000:] + worker.stderr[-2000:]

    expect(download_link).to_be_visible(timeout=20_000)  # the page polled and offers the file
    with page.expect_download() as info:
        download_link.click()
    clip = tmp_path / info.value.suggested_filename
    info.value.save_as(clip)
    assert clip.name == f"{video.reference}_10-00-00-05_10-00-02-05_broadcast.mp4"
    assert frames_in(clip) == 50
    mail = smtp.wait_for(member.email)[0]
    assert clip.name in mail.text() and f"{site.url}/en/download/clips/" in mail.text()
    assert page.errors == []


@pytest.mark.parametrize(("lang", "tc_in", "tc_out", "message"), [
    ("en", "09:59:00:00", "10:00:01:00", "The in point 09:59:00:00 is before the start of the video (10:00:00:00)."),
    ("en", "10:05:00:00", "10:06:00:00", "The in point 10:05:00:00 is past the end of the video (10:00:03:00)."),
    ("fr", "09:59:00:00", "10:00:01:00",
     "Le point d’entrée 09:59:00:00 est avant le début de la vidéo (10:00:00:00)."),
])
def test_player_names_an_in_point_outside_the_video(site, page, video, lang, tc_in, tc_out, message):
    member = make_member()
    signed_in(page, site, member)
    page.goto(f"{site.url}/{lang}/media/{video.reference}/")
    expect(page.locator("[data-role=timecode]")).to_have_text("10:00:00:00")
    page.fill("#clip-out", tc_out)
    page.press("#clip-out", "Tab")
    page.fill("#clip-in", tc_in)
    page.press("#clip-in", "Tab")
    expect(page.locator("#clip-tool [data-role=error]")).to_have_text(message)
    expect(page.locator("#clip-tool button[type=submit]")).to_be_disabled()
