"""The "done when" of the API: tools/api_example.py, holding only a token, searches, fetches an item as NewsML-G2,
asks for a frame-accurate clip, waits while a real `db_worker` cuts it, and downloads it; ffprobe counts the
frames. A real HTTP server on loopback (pytest-django's live server), a real worker process, a real script
process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from newsreel.accounts.models import TermsVersion
from newsreel.api.tokens import token_create
from newsreel.catalogue.models import Item
from newsreel.downloads.models import ClipCache, Download, DownloadKind
from newsreel.ingest.services import ingest_file
from tests.downloads.conftest import make_licensee
from tests.downloads.test_clips import frames_in
from tests.factories import make_item
from tests.workers import DB_TASKS, worker_env

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "api_example.py"


@pytest.fixture
def video(live_server: Any, small_video: Path) -> Item:
    item = make_item(title_en="Summit arrival", title_fr="Arrivée au sommet", frame_rate="", access="registered")
    job = ingest_file(item=item, source=small_video)
    job.refresh_from_db()
    assert job.status == "done", job.message
    Item.objects.filter(pk=item.pk).update(start_timecode="10:00:00:00")  # a camera's source timecode
    item.refresh_from_db()
    return item


def test_a_script_holding_only_a_token_gets_a_frame_accurate_clip(live_server, video, settings, tmp_path):
    TermsVersion.objects.create(version="1", text_en="Credit us.", text_fr="Citez-nous.")
    member = make_licensee(organisation="Daily Example")
    _token, raw = token_create(user=member, name="script", scopes=["download"])
    settings.TASKS = DB_TASKS
    settings.NEWSREEL_CLIP_SYNC_SECONDS = 0  # to the clips queue, for the worker
    worker = subprocess.Popen(
        [sys.executable, "-m", "newsreel.cli", "db_worker", "--queue-name", "clips", "--no-startup-delay",
         "--interval", "0.2"],
        env=worker_env(NEWSREEL_MEDIA_ROOT=str(settings.MEDIA_ROOT), NEWSREEL_WORKER_NICE="0"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        script = subprocess.run(
            [sys.executable, str(SCRIPT), "--site", live_server.url, "--query", "summit", "--tc-in", "10:00:00:10",
             "--tc-out", "10:00:02:05", "--out", str(tmp_path), "--patience", "120"],
            env={"PATH": "/usr/bin:/bin", "NEWSREEL_API_TOKEN": raw}, capture_output=True, text=True, timeout=180)
    finally:
        worker.terminate()
        worker_output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert script.returncode == 0, script.stdout + script.stderr + worker_output[-2000:]
    assert "queued" in script.stdout  # it did wait for the worker
    clip = tmp_path / f"{video.reference}_10-00-00-10_10-00-02-05_broadcast.mp4"
    assert frames_in(clip) == 45  # 10:00:00:10 up to (not including) 10:00:02:05 at 25 fps
    newsml = etree.parse(str(tmp_path / f"{video.reference}.xml")).getroot()
    assert etree.QName(newsml).localname == "newsItem" and video.reference in newsml.get("guid", "")
    assert ClipCache.objects.get().status == "ready"
    log = Download.objects.get()
    assert (log.user, log.kind, log.clip_in, log.clip_out, log.completed) == (
        member, DownloadKind.CLIP, "10:00:00:10", "10:00:02:05", True)
