"""Clip requests from the item page: immediate and queued renders, the cache, limits, access and messages."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from newsreel.catalogue.models import Access, Role
from newsreel.downloads import clips
from newsreel.downloads.models import ClipCache, ClipRequest, ClipStatus, Download
from tests.downloads.conftest import add_file, make_licensee
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def frames_in(path: Path) -> int:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                          "stream=nb_read_frames", "-of", "json", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return int(json.loads(out)["streams"][0]["nb_read_frames"])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def video(item_factory, settings, small_video):
    """A 3-second 25 fps video whose source timecode starts at 10:00:00:00."""
    item = item_factory(start_timecode="10:00:00:00", frame_rate="25", title_en="Summit")
    add_file(item, Role.BROADCAST, media_root=settings.MEDIA_ROOT, source=small_video)
    add_file(item, Role.MASTER, media_root=settings.MEDIA_ROOT, source=small_video)
    add_file(item, Role.WEB, media_root=settings.MEDIA_ROOT, source=small_video)
    return item


def ask(client, item, tc_in="10:00:00:10", tc_out="10:00:01:05", role=Role.BROADCAST, mode="accurate"):
    rendition = item.renditions.get(role=role)
    return client.post(f"/en/download/clip/{item.reference}/", {"rendition": rendition.pk, "tc_in": tc_in,
                                                                "tc_out": tc_out, "mode": mode})


def test_a_short_clip_is_rendered_at_once_and_holds_exactly_the_frames_asked_for(client, member, video, tmp_path):
    client.force_login(member)
    response = ask(client, video)
    assert response.status_code == 302 and response["Location"].endswith("/file")
    download = client.get(response["Location"])
    assert download.status_code == 200
    name = f"{video.reference}_10-00-00-10_10-00-01-05_broadcast.mp4"
    assert f'filename="{name}"' in download["Content-Disposition"]
    out = tmp_path / name
    out.write_bytes(body(download))
    assert frames_in(out) == 20
    log = Download.objects.get()
    assert (log.kind, log.clip_in, log.clip_out, log.user, log.completed) == (
        "clip", "10:00:00:10", "10:00:01:05", member, True)


def test_the_same_clip_is_served_from_the_cache_with_a_stable_etag(client, member, video, monkeypatch):
    client.force_login(member)
    first = client.get(ask(client, video)["Location"])
    body(first)
    monkeypatch.setattr(clips, "run_isolated", lambda *a, **k: pytest.fail("rendered twice"))
    client.force_login(make_licensee())
    again = client.get(ask(client, video)["Location"])
    assert again["ETag"] == first["ETag"] and body(again)
    assert ClipCache.objects.count() == 1 and ClipRequest.objects.count() == 2
    assert client.get(ask(client, video)["Location"], HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_least_recently_used_clip_is_evicted_when_the_cache_is_full(client, member, video, settings, clock):
    client.force_login(member)
    ask(client, video, "10:00:00:00", "10:00:00:10")
    clock.advance(minutes=1)
    ask(client, video, "10:00:01:00", "10:00:01:10")
    clock.advance(minutes=1)
    ask(client, video, "10:00:00:00", "10:00:00:10")  # used again: now the second is the oldest
    first, second = ClipCache.objects.order_by("pk")
    settings.NEWSREEL_CLIP_CACHE_BYTES = first.size + second.size + 1
    clock.advance(minutes=1)
    ask(client, video, "10:00:02:00", "10:00:02:10")
    assert set(ClipCache.objects.values_list("start", flat=True)) == {0, 50}
    assert not (Path(settings.MEDIA_ROOT) / second.file).exists()
    assert (Path(settings.MEDIA_ROOT) / first.file).exists()


def test_a_long_clip_is_queued_shows_progress_and_mails_the_link(client, member, video, settings, smtp,
                                                                  django_capture_on_commit_callbacks):
    settings.NEWSREEL_CLIP_SYNC_SECONDS = 0
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ask(client, video)
    status_url = response["Location"]
    assert "/download/clips/" in status_url and not status_url.endswith("/file")
    page = client.get(status_url).content.decode()
    assert "/static/downloads/clip_status." in page and "e-mail" in page
    assert json.loads(client.get(status_url + "status.json").content)["status"] == "queued"
    for callback in callbacks:  # the task queue runs it (immediate backend in tests)
        callback()
    state = json.loads(client.get(status_url + "status.json").content)
    assert state["status"] == "ready" and state["download_url"].endswith("/file")
    mail = smtp.wait_for(member.email)[0]
    assert "ready" in mail.subject and f"{video.reference}_10-00-00-10_10-00-01-05_broadcast.mp4" in mail.text()
    assert "http://" in mail.text() and status_url in mail.text()


def test_render_slots_bound_concurrent_renders_and_a_busy_portal_queues_short_clips(
        client, member, video, settings, django_capture_on_commit_callbacks):
    settings.NEWSREEL_CLIP_SYNC_SLOTS = 2
    held = [clips.acquire_slot(), clips.acquire_slot()]
    assert None not in held and clips.acquire_slot() is None
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=False):
        response = ask(client, video)
    assert not response["Location"].endswith("/file")
    assert ClipCache.objects.get().status == ClipStatus.QUEUED
    clips.release_slot(held[0])
    assert clips.acquire_slot() == held[0]


def test_a_slot_held_by_a_killed_process_is_free_after_its_lease(settings, db, clock):
    settings.NEWSREEL_CLIP_SYNC_SLOTS = 1
    assert clips.acquire_slot() == 0 and clips.acquire_slot() is None
    clock.advance(seconds=settings.NEWSREEL_CLIP_SLOT_LEASE + 1)
    assert clips.acquire_slot() == 0


@pytest.mark.parametrize(("tc_in", "tc_out", "message"), [
    ("banana", "10:00:01:00", "is not a timecode"),
    ("10:00:01:00", "10:00:00:10", "The out point must come after the in point."),
    ("10:00:01:00", "10:00:01:00", "The out point must come after the in point."),
    ("10:00:01:00", "10:00:09:00", "past the end of the video (10:00:03:00)"),
    ("09:59:59:00", "10:00:01:00", "The in point 09:59:59:00 is before the start of the video (10:00:00:00)."),
    # Outside the video is named as such, even when the points are also in the wrong order.
    ("09:59:00:00", "09:58:00:00", "The in point 09:59:00:00 is before the start of the video (10:00:00:00)."),
    ("10:00:05:00", "10:00:04:00", "The in point 10:00:05:00 is past the end of the video (10:00:03:00)."),
    ("10:00:01:00", "10:00:04:00", "The out point 10:00:04:00 is past the end of the video (10:00:03:00)."),
    ("10:00:00:00", "10:00:00:30", "is not a timecode"),
])
def test_bad_requests_are_refused_with_a_clear_message(client, member, video, tc_in, tc_out, message):
    client.force_login(member)
    response = ask(client, video, tc_in, tc_out)
    assert response.status_code == 302 and response["Location"].endswith("#clip-tool")
    page = client.get(response["Location"]).content.decode()
    assert message in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert not ClipCache.objects.exists()


def test_too_many_clip_requests_are_refused_for_a_while(client, member, video, settings):
    settings.NEWSREEL_CLIP_REQUESTS_PER_HOUR = 1
    client.force_login(member)
    assert ask(client, video)["Location"].endswith("/file")
    refused = ask(client, video, "10:00:00:00", "10:00:00:05")
    page = client.get(refused["Location"]).content.decode()
    assert "many clips" in page and ClipCache.objects.count() == 1


def test_clips_need_an_account_and_the_current_terms(client, video, terms):
    response = ask(client, video)
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert video.reference in response["Location"]
    client.force_login(make_member())
    response = ask(client, video)
    assert response["Location"].startswith("/en/accounts/terms/accept/")
    assert not ClipCache.objects.exists()


def test_masters_are_cut_only_for_those_who_may_download_them(client, member, video):
    master = video.renditions.get(role=Role.MASTER)
    master.access = Access.RESTRICTED
    master.save()
    client.force_login(member)
    page = client.get(video.get_absolute_url()).content.decode()
    assert 'name="rendition"' in page and f'value="{master.pk}"' not in page
    refused = ask(client, video, role=Role.MASTER)
    assert "Choose a version" in client.get(refused["Location"]).content.decode()
    staff = get_user_model().objects.create_user("boss", "boss@example.org", "x", is_staff=True)
    client.force_login(staff)
    assert f'value="{master.pk}"' in client.get(video.get_absolute_url()).content.decode()
    assert ask(client, video, role=Role.MASTER)["Location"].endswith("/file")


def test_each_reader_gets_their_own_clip_form_from_the_cached_page_parts(client, member, video):
    """The clip tool is cached in parts (front/templates/catalogue/clip_tool.html): the choice of files and
    the form's opening are still each reader's own, whoever saw the page first."""
    master = video.renditions.get(role=Role.MASTER)
    master.access = Access.REGISTERED
    master.save()
    offered = f'value="{master.pk}"'
    no_terms = make_member()  # verified, but has not accepted the terms in force: no master
    for order in ((member, no_terms, None), (None, no_terms, member)):
        for reader in order:
            client.logout()
            if reader is not None:
                client.force_login(reader)
            page = client.get(video.get_absolute_url()).content.decode()
            form = re.search(r'<form method="(\w+)"[^>]*class="clip-form">\s*(<input[^>]*>)', page)
            assert form is not None
            if reader is None:  # the anonymous page: signs in first, holds no token
                assert form[1] == "get" and "csrfmiddlewaretoken" not in page
                continue
            assert form[1] == "post" and 'name="csrfmiddlewaretoken"' in form[2]
            assert (offered in page) == (reader is member)
        video.save()  # a new version of the pages: the next order starts from an empty cache


def test_someone_elses_clip_is_not_found(client, member, video):
    client.force_login(member)
    location = ask(client, video)["Location"]
    client.force_login(make_licensee())
    assert client.get(location).status_code == 404
    assert client.get(location.replace("/file", "/status.json")).status_code == 404


def test_a_clip_cut_while_the_user_waits_is_cut_in_a_child_process(client, member, video, monkeypatch, tmp_path):
    # Under gunicorn the request runs in a web worker; PyAV must not decode or encode there. The engine's
    # entry points are booby-trapped in this process, so only a child can have cut the clip.
    from newsreel.media.clip import job

    def not_here(*args, **kwargs):
        pytest.fail("the clip was cut in the web process")

    monkeypatch.setattr(job, "cut", not_here)
    monkeypatch.setattr(job, "cut_audio", not_here)
    children: list[int] = []
    run_isolated = clips.run_isolated

    def spy(*args, **kwargs):
        result, child = run_isolated(*args, **kwargs)
        children.append(child.pid)
        return result, child

    monkeypatch.setattr(clips, "run_isolated", spy)
    client.force_login(member)
    response = ask(client, video)
    assert response["Location"].endswith("/file")  # ready when the request answered: cut while it waited
    assert len(children) == 1 and children[0] != os.getpid()
    out = tmp_path / "clip.mp4"
    out.write_bytes(body(client.get(response["Location"])))
    assert frames_in(out) == 20
