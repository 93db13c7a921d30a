"""The hourly clip limit holds under parallel requests: counting and recording a request are one atomic step,
on SQLite and on PostgreSQL (run the suite with DATABASE_URL=postgres://... for the latter)."""

from __future__ import annotations

import threading
from fractions import Fraction
from pathlib import Path

import pytest
from django.db import connection

from newsreel.catalogue.models import Role
from newsreel.downloads import clips
from newsreel.downloads.models import ClipCache, ClipRequest, ClipStatus
from tests.downloads.conftest import add_file, make_licensee

PARALLEL = 16


@pytest.mark.django_db(transaction=True)
def test_parallel_clip_requests_never_overrun_the_hourly_limit(settings, item_factory, terms):
    settings.NEWSREEL_CLIP_REQUESTS_PER_HOUR = 60
    user = make_licensee()
    item = item_factory()
    rendition = add_file(item, Role.BROADCAST, media_root=settings.MEDIA_ROOT)
    # A clip already in the cache: each request is only the limit check and the record, so they overlap.
    (Path(settings.MEDIA_ROOT) / "clips").mkdir()
    (Path(settings.MEDIA_ROOT) / "clips" / "ready.mp4").write_bytes(b"clip")
    clip = ClipCache.objects.create(rendition=rendition, source_sha256=rendition.sha256, start=0, end=25,
                                    mode="accurate", status=ClipStatus.READY, file="clips/ready.mp4")
    ClipRequest.objects.bulk_create([ClipRequest(user=user, clip=clip, rendition=rendition, start=0, end=25,
                                                 mode="accurate") for _ in range(55)])
    start = threading.Barrier(PARALLEL)
    outcomes: list[str] = []

    def ask() -> None:
        try:
            start.wait()
            clips.clip_request(user=user, rendition=rendition, start=0, end=25, mode="accurate", rate=Fraction(25))
            outcomes.append("granted")
        except clips.ClipRefused:
            outcomes.append("refused")
        except Exception as exc:  # any other outcome (a database error) shows in the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["granted"] * 5 + ["refused"] * 11
    assert ClipRequest.objects.filter(user=user).count() == 60
