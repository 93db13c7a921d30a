"""Session fixtures for the audio clip tests: noise WAV and MP3 (as ingest makes it), with tags.

Load with `pytest_plugins = ["tests.media.audio_media"]`.
"""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from newsreel.media.audio.renditions import MP3, transcode_audio
from tests.media.audio_checks import TAGS, write_noise_wav


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio-clips")


@pytest.fixture(scope="session")
def noise_wav(audio_dir: Path) -> Path:
    """3 s of 48 kHz 16-bit stereo noise, with title, artist and copyright tags."""
    return write_noise_wav(audio_dir / "noise.wav", seconds=3.0, tags=TAGS)


@pytest.fixture(scope="session")
def noise_mp3(audio_dir: Path, noise_wav: Path) -> Path:
    """The noise as the MP3 rendition ingest makes (256 kbit/s libmp3lame, gapless header), tags added."""
    path = audio_dir / "noise.mp3"
    if not path.exists():
        plain = audio_dir / "noise-untagged.mp3"
        transcode_audio(noise_wav, [(MP3, plain)])
        with av.open(str(plain)) as src, av.open(str(path), "w", format="mp3") as out:
            out.metadata.update(TAGS)
            stream = out.add_stream_from_template(src.streams.audio[0])
            for packet in src.demux(src.streams.audio[0]):
                if packet.dts is None:
                    continue
                packet.stream = stream
                out.mux(packet)
    return path
