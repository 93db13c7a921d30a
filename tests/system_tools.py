"""The Debian tools the tests use as independent witnesses (ffmpeg, exiftool, nginx, chromium).

`make test` installs them through tools/bootstrap-system. When one is still missing, the tests that need it fail
and say how to install it: a missing witness is never a silent skip.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PACKAGES = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "exiftool": "libimage-exiftool-perl",
            "nginx": "nginx", "chromium": "chromium", "espeak-ng": "espeak-ng"}


def find_tool(command: str) -> str | None:
    found = shutil.which(command)
    if found:
        return found
    for folder in ("/usr/sbin", "/usr/bin"):
        if Path(folder, command).exists():
            return str(Path(folder, command))
    return None


def require_tool(command: str) -> str:
    """The tool's path, or the test fails with the command that installs it."""
    found = find_tool(command)
    if found is None:
        pytest.fail(f"{command} is not installed: run `make test` (it installs it through tools/bootstrap-system) "
                    f"or `sudo apt-get install {PACKAGES.get(command, command)}`", pytrace=False)
    return found


@pytest.fixture(scope="session")
def system_ffmpeg() -> None:
    require_tool("ffmpeg")
    require_tool("ffprobe")


@pytest.fixture(scope="session")
def system_exiftool() -> None:
    require_tool("exiftool")


@pytest.fixture(scope="session")
def system_nginx() -> str:
    return require_tool("nginx")
