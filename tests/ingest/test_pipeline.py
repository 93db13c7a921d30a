from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from newsreel.catalogue.models import Item, Kind, Rendition, Role
from newsreel.ingest.models import IngestJob, JobStatus
from newsreel.ingest.services import ingest_file, queue_job, run_job
from newsreel.media.photo.images import read_photo_credits
from tests.factories import sign_in_staff

pytestmark = pytest.mark.django_db


def ffprobe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def roles(item: Item) -> list[str]:
    return sorted(item.renditions.values_list("role", flat=True))


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "Str0ng!Passw0rd#")
    return sign_in_staff(client, user)  # the back office needs a second factor


def _admin_add_payload(**fields):
    payload = {"kind": "video", "status": "draft", "publish_at_0": "2026-01-01", "publish_at_1": "10:00:00",
               "access": "registered", "title_en": "Uploaded", "credit": "© Uploader",
               "shots-TOTAL_FORMS": "0", "shots-INITIAL_FORMS": "0", "renditions-TOTAL_FORMS": "0",
               "renditions-INITIAL_FORMS": "0", "ingest_jobs-TOTAL_FORMS": "0", "ingest_jobs-INITIAL_FORMS": "0"}
    payload.update(fields)
    return payload


def test_upload_in_back_office_yields_playable_preview_and_all_renditions(
        editor_client, small_video, django_capture_on_commit_callbacks):
    with open(small_video, "rb") as fh, django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post("/admin/catalogue/item/add/", _admin_add_payload(master_upload=fh))
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get(title_en="Uploaded")
    job = item.ingest_jobs.get()
    assert job.status == JobStatus.DONE, job.message
    assert {"master", "web", "broadcast", "poster", "storyboard_sprite", "storyboard_index", "audio_mp3",
            "audio_wav"} <= set(roles(item))

    web = item.renditions.get(role=Role.WEB)
    probed = ffprobe(Path(web.file.path))
    video = next(s for s in probed["streams"] if s["codec_type"] == "video")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 320, 180)
    assert any(s["codec_type"] == "audio" and s["codec_name"] == "aac" for s in probed["streams"])
    assert abs(float(probed["format"]["duration"]) - 3.0) < 0.1
    with open(web.file.path, "rb") as fh:
        head = fh.read(64 * 1024)
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))
    assert web.sha256 and web.size == Path(web.file.path).stat().st_size

    item.refresh_from_db()
    assert item.frame_rate == "25" and abs(item.duration - 3.0) < 0.1
    master = item.renditions.get(role=Role.MASTER)
    assert master.file.name == f"items/{item.reference}/master.mp4"
    assert (master.video_codec, master.width, master.height) == ("h264", 320, 180)


def test_hostile_upload_is_refused_with_a_reason_and_nothing_stored(editor_client, tmp_path,
                                                                     django_capture_on_commit_callbacks):
    playlist = tmp_path / "clip.mp4"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n")
    with open(playlist, "rb") as fh, django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post("/admin/catalogue/item/add/", _admin_add_payload(master_upload=fh),
                                      follow=True)
    item = Item.objects.get(title_en="Uploaded")
    job = item.ingest_jobs.get()
    assert job.status == JobStatus.FAILED
    assert "not a supported" in job.message or "playlist" in job.message.lower()
    assert "The master was refused" in response.content.decode()
    assert not item.renditions.exists()


def test_upload_over_the_size_limit_is_refused_clearly(editor_client, small_video, settings):
    settings.NEWSREEL_MAX_UPLOAD_BYTES = 1000
    with open(small_video, "rb") as fh:
        response = editor_client.post("/admin/catalogue/item/add/", _admin_add_payload(master_upload=fh))
    assert response.status_code == 200
    assert "larger than the upload limit" in response.content.decode()
    assert not Item.objects.filter(title_en="Uploaded").exists()


def test_photo_gets_sizes_with_the_item_credit_embedded(item_factory, small_photo,
                                                        django_capture_on_commit_callbacks):
    item = item_factory(kind=Kind.PHOTO, credit="© Alliance / J. Doe", copyright="Alliance 2026")
    with django_capture_on_commit_callbacks(execute=True):
        job = ingest_file(item=item, source=small_photo)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert {"photo_large", "photo_medium", "photo_thumbnail"} <= set(roles(item))
    large = item.renditions.get(role=Role.PHOTO_LARGE)
    credits = read_photo_credits(large.file.path)
    assert credits.credit_line == "© Alliance / J. Doe"
    assert credits.copyright_notice == "Alliance 2026"


def test_audio_gets_mp3_wav_and_waveform(item_factory, small_wav, django_capture_on_commit_callbacks):
    item = item_factory(kind=Kind.AUDIO)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(item=item, source=small_wav)
    assert {"audio_mp3", "audio_wav", "waveform"} <= set(roles(item))
    mp3 = ffprobe(Path(item.renditions.get(role=Role.AUDIO_MP3).file.path))
    assert mp3["streams"][0]["codec_name"] == "mp3"


def test_master_of_the_wrong_kind_fails_with_an_actionable_reason(item_factory, small_wav,
                                                                  django_capture_on_commit_callbacks):
    item = item_factory(kind=Kind.PHOTO)
    with django_capture_on_commit_callbacks(execute=True):
        job = ingest_file(item=item, source=small_wav)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "audio" in job.message and "photo" in job.message


def test_retried_or_duplicated_jobs_leave_exactly_one_set(item_factory, small_video,
                                                          django_capture_on_commit_callbacks):
    item = item_factory(kind=Kind.VIDEO)
    with django_capture_on_commit_callbacks(execute=True):
        first = ingest_file(item=item, source=small_video)
    before = sorted(item.renditions.values_list("role", "file", "sha256"))
    rows = sorted(item.renditions.values_list("pk", flat=True))
    duplicate = run_job(job_id=first.pk)  # a duplicate delivery of a finished job does nothing
    assert (duplicate.status, duplicate.attempts) == (JobStatus.DONE, 1)
    # A re-render would replace the rendition rows, even with the same files.
    assert sorted(item.renditions.values_list("pk", flat=True)) == rows
    with django_capture_on_commit_callbacks(execute=True):
        retry = queue_job(item=item)  # an editor's retry re-renders
    retry.refresh_from_db()
    assert retry.status == JobStatus.DONE, retry.message
    assert sorted(item.renditions.values_list("pk", flat=True)) != rows
    after = sorted(item.renditions.values_list("role", "file", "sha256"))
    assert [(r, f) for r, f, _ in after] == [(r, f) for r, f, _ in before]
    assert Rendition.objects.filter(item=item, role=Role.WEB).count() == 1
    derived = Path(item.renditions.get(role=Role.WEB).file.path).parent
    assert sorted(p.name for p in derived.iterdir()) == sorted(Path(f).name for _, f, _ in after if "derived" in f)


def test_cli_ingest_decides_the_type_by_content_not_name(small_photo, small_video, tmp_path):
    disguised = tmp_path / "holiday.mp4"
    disguised.write_bytes(small_photo.read_bytes())
    video = tmp_path / "interview.bin"
    video.write_bytes(small_video.read_bytes())
    call_command("ingest", str(disguised), str(video), "--now")
    photo_item = Item.objects.get(title_en="holiday")
    video_item = Item.objects.get(title_en="interview")
    assert photo_item.kind == Kind.PHOTO and photo_item.status == "draft"
    assert video_item.kind == Kind.VIDEO
    assert photo_item.renditions.filter(role=Role.PHOTO_LARGE).exists()
    assert video_item.renditions.filter(role=Role.WEB).exists()


def test_cli_ingest_refuses_non_media_and_says_so(tmp_path, capsys):
    junk = tmp_path / "notes.mov"
    junk.write_text("this is not a video")
    with pytest.raises(CommandError, match="could not be ingested"):
        call_command("ingest", str(junk))
    assert "refused" in capsys.readouterr().err
    assert not Item.objects.exists()


def test_watch_folder_takes_settled_files_and_sorts_them(tmp_path, small_wav):
    (tmp_path / "tone.wav").write_bytes(small_wav.read_bytes())
    (tmp_path / "junk.mxf").write_text("garbage")
    call_command("watch", str(tmp_path), "--once")
    assert (tmp_path / "done" / "tone.wav").exists()
    assert (tmp_path / "refused" / "junk.mxf").exists()
    assert Item.objects.get().kind == Kind.AUDIO
    assert IngestJob.objects.get().status in {JobStatus.QUEUED, JobStatus.DONE}
