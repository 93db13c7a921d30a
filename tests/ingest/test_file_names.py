"""Any file name works: names that are not UTF-8 (an old Windows zip, a camera card) through the real CLI and
watch folder, with stdout and stderr as pipes, as cron or systemd would run them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from newsreel.catalogue.models import Item, Kind
from tests.workers import worker_env

pytestmark = pytest.mark.django_db(transaction=True)

LATIN1_NAME = "Conf\xe9rence de presse".encode("latin-1")  # b"Conf\xe9rence...": not valid UTF-8
SHOWN = "Conf\ufffdrence de presse"


def _newsreel(settings, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    env = worker_env(NEWSREEL_MEDIA_ROOT=str(settings.MEDIA_ROOT), LC_ALL="C.UTF-8")
    env.pop("PYTHONIOENCODING", None)
    return subprocess.run([os.fsencode(sys.executable), b"-m", b"newsreel.cli", *map(os.fsencode, args)],
                          env=env, capture_output=True, timeout=120)


def test_cli_ingests_and_refuses_files_whose_names_are_not_utf8(settings, tmp_path, small_wav):
    good = tmp_path.joinpath(os.fsdecode(LATIN1_NAME + b".wav"))
    good.write_bytes(small_wav.read_bytes())
    junk = tmp_path.joinpath(os.fsdecode(b"r\xe9sum\xe9.mov"))
    junk.write_text("not a video")

    result = _newsreel(settings, "ingest", good, junk)
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in err, err
    assert f"{SHOWN}.wav -> " in out
    assert "r\ufffdsum\ufffd.mov: not a supported media file" in err
    assert result.returncode == 1 and "1 file(s) could not be ingested" in err
    item = Item.objects.get()
    assert (item.kind, item.title_en) == (Kind.AUDIO, SHOWN)
    assert item.ingest_jobs.get().source_name == f"{SHOWN}.wav"


def test_watch_folder_takes_and_refuses_files_whose_names_are_not_utf8(settings, tmp_path, small_wav):
    folder = tmp_path / "dropbox"
    folder.mkdir()
    good_name = os.fsdecode(LATIN1_NAME + b".wav")
    junk_name = os.fsdecode(b"\xff\xfe.mxf")
    (folder / good_name).write_bytes(small_wav.read_bytes())
    (folder / junk_name).write_text("garbage")

    result = _newsreel(settings, "watch", folder, "--once")
    out, err = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == 0 and "Traceback" not in err, err
    assert f"{SHOWN}.wav -> " in out
    assert "refused: \ufffd\ufffd.mxf: not a supported media file" in err
    assert (folder / "done" / good_name).exists()  # the file keeps its own bytes on disk
    assert (folder / "refused" / junk_name).exists()
    assert Item.objects.get().title_en == SHOWN
