"""The back office: upload a caption file, refuse a bad one in the form, edit cues, split, merge, shift,
publish; a language without a speech engine is said to have none."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsreel.captions.models import CaptionStatus, CueSet
from tests.factories import sign_in_staff

pytestmark = pytest.mark.django_db

SRT = ("1\n00:00:01,000 --> 00:00:03,000\nGood morning and welcome\n\n"
       "2\n00:00:04,000 --> 00:00:06,000\nto Brussels\n")


@pytest.fixture
def admin_client(client: Any) -> Any:
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "Str0ng!Passw0rd#")
    return sign_in_staff(client, user)


def _upload(admin_client: Any, item: Any, data: bytes, name: str = "captions.srt", language: str = "en") -> Any:
    return admin_client.post(reverse("admin:captions_cueset_add"), {
        "item": item.pk, "language": language, "status": "draft", "upload": SimpleUploadedFile(name, data)})


def test_upload_creates_a_draft_with_cues_in_frames(admin_client: Any, item_factory: Any) -> None:
    item = item_factory(frame_rate="25", start_timecode="10:00:00:00")
    response = _upload(admin_client, item, SRT.encode())
    assert response.status_code == 302
    cue_set = CueSet.objects.get(item=item, language="en")
    assert cue_set.status == CaptionStatus.DRAFT and cue_set.source == "uploaded"
    assert [(c.start, c.end, c.text) for c in cue_set.cues.all()] == [
        (25, 75, "Good morning and welcome"), (100, 150, "to Brussels")]


@pytest.mark.parametrize(("data", "message"), [
    (b"1\n00:00:01,000 --> 00:00:0x,000\nBad\n", "Line 2"),
    ("1\n00:00:01,000 --> 00:00:02,000\nÉté\n".encode("latin-1"), "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "UTF-8"),
])
def test_a_bad_file_is_refused_in_the_form(admin_client: Any, item_factory: Any, data: bytes, message: str) -> None:
    response = _upload(admin_client, item_factory(), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CueSet.objects.exists()


def test_cues_are_edited_in_source_timecode(admin_client: Any, item_factory: Any) -> None:
    item = item_factory(frame_rate="25", start_timecode="10:00:00:00")
    _upload(admin_client, item, SRT.encode())
    cue_set = CueSet.objects.get()
    cues = list(cue_set.cues.all())
    url = reverse("admin:captions_cue_changelist") + f"?cue_set__id__exact={cue_set.pk}"
    page = admin_client.get(url).content.decode()
    assert 'value="10:00:01:00"' in page
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "_save": "Save"}
    for n, (cue, (tc_in, tc_out, text)) in enumerate(zip(cues, [("10:00:01:05", "10:00:03:00", "Good morning"),
                                                                  ("10:00:04:00", "10:00:06:10", "to Brussels")],
                                                         strict=True)):
        data.update({f"form-{n}-id": str(cue.pk), f"form-{n}-start": tc_in, f"form-{n}-end": tc_out,
                     f"form-{n}-text": text})
    assert admin_client.post(url, data).status_code == 302
    assert [(c.start, c.end, c.text) for c in cue_set.cues.all()] == [(30, 75, "Good morning"),
                                                                       (100, 160, "to Brussels")]
    data["form-1-end"] = "10:00:03:00"  # out before in
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "must come after the in point" in response.content.decode()


def test_split_merge_and_shift(admin_client: Any, item_factory: Any) -> None:
    item = item_factory(frame_rate="25", start_timecode="10:00:00:00")
    _upload(admin_client, item, SRT.encode())
    cue_set = CueSet.objects.get()
    first, _second = cue_set.cues.all()
    url = reverse("admin:captions_cue_changelist")
    admin_client.post(url, {"action": "split", "_selected_action": [first.pk]})
    assert [(c.start, c.end, c.text) for c in cue_set.cues.all()] == [
        (25, 50, "Good morning"), (50, 75, "and welcome"), (100, 150, "to Brussels")]
    ids = [c.pk for c in cue_set.cues.all()]
    admin_client.post(url, {"action": "merge", "_selected_action": ids[1:]})
    assert [(c.start, c.end, c.text) for c in cue_set.cues.all()] == [
        (25, 50, "Good morning"), (50, 150, "and welcome to Brussels")]
    ids = [c.pk for c in cue_set.cues.all()]
    page = admin_client.post(url, {"action": "shift", "_selected_action": ids})
    assert "shift" in page.content.decode()
    admin_client.post(url, {"action": "shift", "_selected_action": ids, "apply": "1", "shift": "-00:00:00:05"})
    assert [(c.start, c.end) for c in cue_set.cues.all()] == [(20, 45), (45, 145)]
    response = admin_client.post(url, {"action": "shift", "_selected_action": ids, "apply": "1", "shift": "-21"})
    assert "before the start" in response.content.decode()
    for huge in ("+9999999999999999999", "+25:00:00:00"):
        response = admin_client.post(url, {"action": "shift", "_selected_action": ids, "apply": "1", "shift": huge})
        assert response.status_code == 200 and "24 hours" in response.content.decode()
    assert [(c.start, c.end) for c in cue_set.cues.all()] == [(20, 45), (45, 145)]
    cue_set.refresh_from_db()
    assert cue_set.source == "edited"


def test_publish_and_unpublish(admin_client: Any, item_factory: Any) -> None:
    item = item_factory()
    _upload(admin_client, item, SRT.encode())
    cue_set = CueSet.objects.get()
    url = reverse("admin:captions_cueset_changelist")
    admin_client.post(url, {"action": "publish", "_selected_action": [cue_set.pk]})
    cue_set.refresh_from_db()
    assert cue_set.status == CaptionStatus.PUBLISHED
    admin_client.post(url, {"action": "unpublish", "_selected_action": [cue_set.pk]})
    cue_set.refresh_from_db()
    assert cue_set.status == CaptionStatus.DRAFT


def test_a_language_without_an_engine_is_said_so(admin_client: Any, item_factory: Any) -> None:
    item = item_factory()
    _upload(admin_client, item, SRT.encode(), language="fr")
    cue_set = CueSet.objects.get()
    page = admin_client.get(reverse("admin:captions_cueset_change", args=[cue_set.pk])).content.decode()
    assert "No engine for this language" in page
    response = admin_client.post(reverse("admin:captions_cueset_changelist"),
                                 {"action": "recognise", "_selected_action": [cue_set.pk]}, follow=True)
    assert "No speech recognition engine is installed for this language (fr)" in response.content.decode()


def test_the_cue_list_plays_the_preview_beside_the_cues(admin_client: Any, item_factory: Any, settings: Any) -> None:
    from newsreel.catalogue.models import Role
    from tests.downloads.conftest import add_file

    item = item_factory(frame_rate="25", start_timecode="10:00:00:00")
    web = add_file(item, Role.WEB, media_root=settings.MEDIA_ROOT)
    _upload(admin_client, item, SRT.encode())
    cue_set = CueSet.objects.get()
    page = admin_client.get(reverse("admin:captions_cue_changelist") + f"?cue_set__id__exact={cue_set.pk}")
    html = page.content.decode()
    assert f'<video id="cue-player" controls preload="metadata" src="{web.preview_url()}">' in html
    assert 'data-seek="1.0200"' in html  # frame 25 at 25 fps, seeked to the middle of the frame
    assert "captions/cue_player." in html
    # Without a chosen set (or with a bad one) there is no player, and no error.
    assert admin_client.get(reverse("admin:captions_cue_changelist") + "?cue_set__id__exact=x").status_code in (
        200, 302)


def test_an_oversized_upload_is_refused_before_it_is_read(admin_client: Any, item_factory: Any, settings: Any) -> None:
    settings.NEWSREEL_CAPTION_MAX_BYTES = 1024
    response = _upload(admin_client, item_factory(), SRT.encode() * 40)
    assert "larger than 1 KB" in response.content.decode()
    assert not CueSet.objects.exists()


def test_a_cue_too_long_is_refused(admin_client: Any, item_factory: Any) -> None:
    data = ("1\n00:00:01,000 --> 00:00:03,000\n" + "word " * 300 + "\n").encode()
    response = _upload(admin_client, item_factory(), data)
    assert "more than 1000 characters" in response.content.decode()


def test_a_draft_by_speech_recognition_is_asked_for_on_the_add_form(admin_client: Any, item_factory: Any,
                                                                      settings: Any, monkeypatch: Any,
                                                                      django_capture_on_commit_callbacks: Any) -> None:
    from newsreel.captions import recognition
    from newsreel.catalogue.models import Role
    from tests.downloads.conftest import add_file

    queued: list[int] = []
    monkeypatch.setattr(recognition, "_enqueue", queued.append)
    item = item_factory()
    url = reverse("admin:captions_cueset_add")
    form = {"item": item.pk, "language": "en", "status": "draft", "recognise": "on"}
    response = admin_client.post(url, form)
    assert "has no file with sound yet" in response.content.decode()
    add_file(item, Role.AUDIO_WAV, b"RIFF", media_root=settings.MEDIA_ROOT, mime="audio/wav", suffix=".wav")
    response = admin_client.post(url, {**form, "language": "fr"})
    assert "No speech recognition engine is installed for this language (fr)" in response.content.decode()
    response = admin_client.post(url, {**form, "status": "published"})
    assert "never published by itself" in response.content.decode()
    response = admin_client.post(url, {"item": item.pk, "language": "en", "status": "draft"})
    assert "Choose a caption file, or ask for a draft by speech recognition." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302
    cue_set = CueSet.objects.get(item=item, language="en")
    assert queued == [cue_set.pk]
    assert cue_set.job_status == "queued" and cue_set.status == CaptionStatus.DRAFT
    page = admin_client.get(reverse("admin:captions_cueset_changelist")).content.decode()
    assert "Queued 0%" in page
