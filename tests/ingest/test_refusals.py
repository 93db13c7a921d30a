"""Refusals say what is true of the file, and name the file as the editor knows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreel.catalogue.models import Kind
from newsreel.ingest.models import JobStatus
from newsreel.media.testpattern import generate_photo
from tests.media.forged_mp4 import repeated_picture_mp4

pytestmark = pytest.mark.django_db


def _ingest(item, source, capture, **kw):
    from newsreel.ingest.services import ingest_file

    with capture(execute=True):
        job = ingest_file(item=item, source=source, **kw)
    job.refresh_from_db()
    return job


def test_cut_short_jpeg_is_refused_under_the_editors_file_name(item_factory, tmp_path,
                                                               django_capture_on_commit_callbacks):
    whole = generate_photo(tmp_path / "whole.jpg", 600, 400).read_bytes()
    cut = tmp_path / "Summit family photo.jpg"
    cut.write_bytes(whole[: len(whole) // 2])
    job = _ingest(item_factory(kind=Kind.PHOTO), cut, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("Summit family photo.jpg: "), job.message
    assert "truncated or damaged" in job.message
    assert "master" not in job.message


def test_video_without_pictures_is_refused_for_having_none(item_factory, small_video, tmp_path,
                                                           django_capture_on_commit_callbacks):
    empty = repeated_picture_mp4(small_video, tmp_path / "interview.mp4", samples=0, declared_seconds=10)
    job = _ingest(item_factory(kind=Kind.VIDEO), empty, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert job.message == "interview.mp4: the video track holds no pictures; the file may be damaged"


def test_lying_sample_table_is_refused_under_the_uploads_name(item_factory, small_video, tmp_path,
                                                              django_capture_on_commit_callbacks):
    spooled = repeated_picture_mp4(small_video, tmp_path / "tmpk2v9x.upload", samples=600_000,
                                   declared_seconds=10)
    job = _ingest(item_factory(kind=Kind.VIDEO), spooled, django_capture_on_commit_callbacks,
                  source_name="press conference.mp4")
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("press conference.mp4: the file says it lasts 10.0 s"), job.message
    assert "600000 pictures" in job.message and "tmpk2v9x" not in job.message


def test_job_over_its_wall_time_limit_is_stopped_with_a_clear_reason(item_factory, longer_video, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.NEWSREEL_JOB_TIME_BASE = 1
    settings.NEWSREEL_JOB_TIME_PER_SECOND = 0
    item = item_factory(kind=Kind.VIDEO)
    job = _ingest(item, longer_video, django_capture_on_commit_callbacks, source_name="long briefing.mp4")
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("long briefing.mp4: processing was stopped after 1 seconds, the time limit")
    assert list(item.renditions.values_list("role", flat=True)) == ["master"]
    derived = Path(settings.MEDIA_ROOT) / "items" / item.reference / "derived"
    assert not derived.exists() or not any(derived.iterdir())


def test_processing_runs_in_a_process_of_its_own_and_reports_its_memory(item_factory, small_video,
                                                                        django_capture_on_commit_callbacks):
    job = _ingest(item_factory(kind=Kind.VIDEO), small_video, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.DONE, job.message
    # The peak is the child's, measured by the kernel when it is reaped: decoding never grows the worker.
    assert job.peak_memory is not None and job.peak_memory > 20 * 2**20
