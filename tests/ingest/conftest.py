from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def longer_video(media_cache: Path) -> Path:
    """20 s of 640x360: long enough to kill, stall or time out a worker in the middle of it."""
    from newsreel.media.testpattern import PatternSpec, generate_video

    path = media_cache / "longer-640.mp4"
    if not path.exists():
        generate_video(path, PatternSpec(width=640, height=360, seconds=20, gop=25, preset="ultrafast"))
    return path
