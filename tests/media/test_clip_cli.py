from __future__ import annotations

from pathlib import Path

import pytest

from newsreel.media.cli import main
from tests.media.conftest import Source, ffprobe


@pytest.mark.slow
def test_cli_cuts_and_prints_what_it_did(media: dict[str, Source], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clip.mp4"
    code = main(["clip", str(media["h264-25"].path), str(out), "--in", "00:00:00:17", "--out", "00:00:02:13"])
    assert code == 0
    text = capsys.readouterr().out
    assert "frames copied" in text and "frames re-encoded" in text and "time taken" in text
    info = ffprobe(out, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames")
    assert int(info["streams"][0]["nb_read_frames"]) == 63 - 17


@pytest.mark.slow
def test_cli_fast_mode_says_it_is_not_accurate(media: dict[str, Source], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["clip", str(media["h264-25"].path), str(tmp_path / "c.mp4"), "--in", "0.7", "--out", "1.5",
                 "--fast"])
    assert code == 0
    assert "not frame-accurate" in capsys.readouterr().out


@pytest.mark.parametrize(("tc_in", "tc_out", "message"), [
    ("00:00:01", "00:00:02:00", "not a timecode"),
    ("00:00:00;10", "00:00:02:00", "drop-frame"),
    ("00:00:02:00", "00:00:01:00", "before the out point"),
    ("00:00:00:00", "01:00:00:00", "past the end"),
    ("00:00:00:30", "00:00:01:00", "does not exist"),
])
def test_cli_reports_user_errors(tc_in: str, tc_out: str, message: str, media: dict[str, Source],
                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["clip", str(media["h264-25"].path), str(tmp_path / "c.mp4"), "--in", tc_in, "--out", tc_out])
    assert code == 2
    assert message in capsys.readouterr().err
