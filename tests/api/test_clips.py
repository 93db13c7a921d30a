"""Clips through the API: create, poll, fetch, frame-exact; the portal's checks, limits and log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsreel.accounts.models import TermsVersion
from newsreel.catalogue.models import Access, Role
from newsreel.downloads import clips
from newsreel.downloads.models import ClipCache, ClipRequest, ClipStatus, Download, DownloadKind
from tests.api.actions import ActionClient, actions_for, body
from tests.downloads.conftest import add_file, make_licensee
from tests.downloads.test_clips import frames_in
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def terms(db: Any) -> TermsVersion:
    return TermsVersion.objects.create(version="2026-1", text_en="Credit the source.", text_fr="Citez la source.")


@pytest.fixture
def video(item_factory: Any, settings: Any, small_video: Path) -> Any:
    """A 3-second 25 fps video whose source timecode starts at 10:00:00:00."""
    item = item_factory(start_timecode="10:00:00:00", frame_rate="25", title_en="Summit")
    for role in (Role.BROADCAST, Role.MASTER, Role.WEB):
        add_file(item, role, media_root=settings.MEDIA_ROOT, source=small_video)
    return item


@pytest.fixture
def licensee_client() -> ActionClient:
    return actions_for(make_licensee(organisation="Daily Example"), "download")


def ask(client: ActionClient, item: Any, role: str = Role.BROADCAST, **where: Any) -> Any:
    where = where or {"tc_in": "10:00:00:10", "tc_out": "10:00:01:10"}
    return client.post("/clips", {"rendition": item.renditions.get(role=role).pk, **where})


def test_a_clip_asked_by_timecodes_is_made_and_holds_exactly_those_frames(licensee_client, video, tmp_path):
    response = ask(licensee_client, video)
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == job["url"] and job["url"].endswith(f"/api/v1/clips/{job['id']}")
    assert (job["in_frame"], job["out_frame"], job["frames"]) == (10, 35, 25)
    polled = licensee_client.get(f"/clips/{job['id']}").json()
    assert polled["status"] == "ready" and polled["progress"] == 1.0 and polled["error"] is None
    assert (polled["tc_in"], polled["tc_out"]) == ("10:00:00:10", "10:00:01:10")
    download = licensee_client.get(f"/clips/{job['id']}/file")
    assert download.status_code == 200
    name = f"{video.reference}_10-00-00-10_10-00-01-10_broadcast.mp4"
    assert polled["filename"] == name and f'filename="{name}"' in download["Content-Disposition"]
    out = tmp_path / name
    out.write_bytes(body(download))
    assert frames_in(out) == 25
    log = Download.objects.get()
    assert (log.kind, log.clip_in, log.clip_out, log.organisation, log.completed) == (
        DownloadKind.CLIP, "10:00:00:10", "10:00:01:10", "Daily Example", True)


def test_a_clip_asked_by_frames_is_the_same_clip_as_by_timecodes(licensee_client, video):
    by_frames = ask(licensee_client, video, in_frame=10, out_frame=35).json()
    by_timecodes = ask(licensee_client, video).json()
    assert ClipCache.objects.count() == 1
    assert by_frames["frames"] == by_timecodes["frames"] == 25 and by_frames["id"] != by_timecodes["id"]


def test_a_queued_clip_reports_its_progress_then_its_file(licensee_client, video, settings):
    settings.NEWSREEL_CLIP_SYNC_SECONDS = 0  # to the queue (the test settings run tasks when enqueued otherwise)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default", "media", "clips", "mail"]}}
    job = ask(licensee_client, video).json()
    assert job["status"] == "queued" and job["file"] is None
    early = licensee_client.get(f"/clips/{job['id']}/file")
    assert early.status_code == 409 and early.json()["code"] == "clip_not_ready" and early["Retry-After"]
    clips.render_clip(clip_id=ClipRequest.objects.get(pk=job["id"]).clip_id)
    done = licensee_client.get(f"/clips/{job['id']}").json()
    assert done["status"] == "ready" and done["file"].endswith(f"/clips/{job['id']}/file")


def test_a_failed_clip_tells_why_in_the_error_shape(licensee_client, video):
    job = ask(licensee_client, video).json()
    ClipCache.objects.update(status=ClipStatus.FAILED, message="decoder said no")
    failed = licensee_client.get(f"/clips/{job['id']}").json()
    assert failed["status"] == "failed"
    assert set(failed["error"]) == {"status", "code", "message", "errors"} and failed["error"]["code"] == "clip_failed"
    assert "decoder" not in failed["error"]["message"]


@pytest.mark.parametrize(("where", "message"), [
    ({"tc_in": "10:00:02:00", "tc_out": "10:00:01:00"}, "The out point must come after the in point."),
    ({"tc_in": "09:59:00:00", "tc_out": "10:00:01:00"}, "The in point 09:59:00:00 is before the start of the video"),
    ({"in_frame": 10, "out_frame": 500}, "The out point 10:00:20:00 is past the end of the video (10:00:03:00)."),
])
def test_bad_ranges_are_refused_with_the_portals_message(licensee_client, video, where, message):
    response = ask(licensee_client, video, **where)
    assert response.status_code == 422
    assert message in response.json()["message"] and response.json()["errors"][0]["type"] == "clip_refused"
    assert not ClipRequest.objects.exists()


@pytest.mark.parametrize("where", [
    {"tc_in": "10:00:00:10"},
    {"tc_in": "10:00:00:10", "tc_out": "10:00:01:00", "in_frame": 3},
    {"tc_in": "ten o'clock", "tc_out": "10:00:01:00"},
    {"in_frame": -1, "out_frame": 10},
    {},
])
def test_malformed_requests_are_validation_errors(licensee_client, video, where):
    response = licensee_client.post("/clips", {"rendition": video.renditions.get(role=Role.BROADCAST).pk,
                                               "mode": "accurate", **where} if where else {})
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"
    assert response.json()["errors"]


def test_previews_and_restricted_masters_are_not_cut(licensee_client, video):
    video.renditions.filter(role=Role.MASTER).update(access=Access.RESTRICTED)
    for role in (Role.WEB, Role.MASTER):
        response = ask(licensee_client, video, role=role)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    staff = actions_for(make_member(is_staff=True), "download")
    assert ask(staff, video, role=Role.MASTER).status_code == 202


def test_who_may_ask_for_clips(video):
    unverified = make_licensee()
    unverified.emailaddress_set.update(verified=False)
    cases = [
        (ActionClient(), 401, "unauthorized"),
        (actions_for(make_licensee()), 403, "insufficient_scope"),
        (actions_for(unverified, "download"), 403, "email_not_verified"),
        (actions_for(make_member(), "download"), 403, "terms_not_accepted"),
    ]
    for client, status, code in cases:
        response = ask(client, video)
        assert (response.status_code, response.json()["code"]) == (status, code)
    assert not ClipRequest.objects.exists()


def test_someone_elses_clip_is_not_found(licensee_client, video):
    job = ask(licensee_client, video).json()
    other = actions_for(make_licensee(), "download")
    assert other.get(f"/clips/{job['id']}").status_code == 404
    assert other.get(f"/clips/{job['id']}/file").status_code == 404


def test_clip_requests_are_limited_per_token_with_retry_after(licensee_client, video, settings):
    settings.NEWSREEL_CLIP_REQUESTS_PER_HOUR = 2
    assert [ask(licensee_client, video).status_code for _ in range(2)] == [202, 202]
    refused = ask(licensee_client, video)
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert ClipRequest.objects.count() == 2


def test_the_portals_hourly_limit_per_user_counts_api_and_page_requests_alike(video, settings):
    settings.NEWSREEL_CLIP_REQUESTS_PER_HOUR = 2
    user = make_licensee()
    first, second = actions_for(user, "download"), actions_for(user, "download")
    assert ask(first, video).status_code == 202
    assert ask(second, video).status_code == 202
    refused = ask(second, video)  # this token's second, the user's third
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_a_clip_asked_with_captions_carries_them_as_subtitle_tracks(licensee_client, video, tmp_path):
    from newsreel.captions import services
    from tests.downloads.test_clip_captions import tracks

    english = services.cue_set_replace(item=video, language="en", cues=[], source="uploaded", status="published")
    english.cues.create(start=5, end=15, text="Good morning")  # frames from the file's first frame
    plain = ask(licensee_client, video, tc_in="10:00:00:10", tc_out="10:00:01:05").json()
    job = ask(licensee_client, video, tc_in="10:00:00:10", tc_out="10:00:01:05", captions=True).json()
    assert job["id"] != plain["id"]
    outs = []
    for asked in (plain, job):
        out = tmp_path / f"{asked['id']}.mp4"
        out.write_bytes(body(licensee_client.get(f"/clips/{asked['id']}/file")))
        outs.append(out)
    assert tracks(outs[0]) == {}
    assert tracks(outs[1]) == {"eng": [(0, 5, "Good morning")]}  # cut to [10, 30), counted from the clip
    assert frames_in(outs[1]) == 20
