"""`newsreel clip` on an audio file: timecodes at --rate, or exact seconds, to the sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreel.media.cli import main
from tests.media.audio_checks import raw_pcm
from tests.media.media_checks import needs_ffmpeg

pytest_plugins = ["tests.media.audio_media"]
pytestmark = [needs_ffmpeg, pytest.mark.slow]


def test_cli_cuts_audio_at_timecodes_of_the_given_rate(noise_wav: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clip.wav"
    assert main(["clip", str(noise_wav), str(out), "--in", "00:00:00:10", "--out", "00:00:01:11",
                 "--rate", "25"]) == 0
    assert "copy: samples 19200-69119" in capsys.readouterr().out
    assert raw_pcm(out) == raw_pcm(noise_wav)[19200 * 4:69120 * 4]


def test_cli_takes_exact_seconds_without_a_rate(noise_mp3: Path, tmp_path: Path) -> None:
    out = tmp_path / "clip.wav"
    assert main(["clip", str(noise_mp3), str(out), "--in", "0.5", "--out", "1.25"]) == 0
    assert len(raw_pcm(out)) == 36000 * 4


@pytest.mark.parametrize(("args", "message"), [
    (["--in", "00:00:00:10", "--out", "00:00:01:00"], "give --rate"),
    (["--in", "0", "--out", "1", "--fast"], "--fast does not apply"),
    (["--in", "00:00:00:10", "--out", "00:00:09:00", "--rate", "25"], "past the end of the audio"),
    (["--in", "0", "--out", "1", "--rate", "banana"], "not a frame rate"),
])
def test_cli_reports_audio_errors(noise_wav: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  args: list[str], message: str) -> None:
    assert main(["clip", str(noise_wav), str(tmp_path / "c.wav"), *args]) == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_to_cut_a_video_into_audio(small_video: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clip", str(small_video), str(tmp_path / "c.wav"), "--in", "0", "--out", "1"]) == 2
    assert "has video" in capsys.readouterr().err
