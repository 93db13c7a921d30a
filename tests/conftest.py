from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from newsreel.queues import QUEUES
from tests.factories import make_article, make_item

pytest_plugins = ["tests.system_tools", "tests.mailserver", "tests.objectstore"]

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                               "QUEUES": QUEUES}}


def pytest_configure(config: pytest.Config) -> None:
    """A test run is a process's start like any other: the test databases' folder and the local secret key."""
    from django.conf import settings

    from newsreel.env import prepare_local_files

    prepare_local_files(settings)


@pytest.fixture(scope="session", autouse=True)
def _cache_and_static_per_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each xdist worker gets a cache directory of its own (shared by its threads and the servers it starts
    in-process, as the portal's processes share one) and its own collected static files."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    cache_dir = tmp_path_factory.mktemp("cache")
    static_root = tmp_path_factory.mktemp("static")
    from django.conf import settings

    caches = {**settings.CACHES,
              "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(cache_dir), "OPTIONS": {"MAX_ENTRIES": 5000}}}
    with override_settings(CACHES=caches, STATIC_ROOT=str(static_root)):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


@pytest.fixture(scope="session")
def live_server(_cache_and_static_per_worker: None) -> Iterator[Any]:
    """pytest-django's live server, but with static files sent by WhiteNoise from the collected, hashed files,
    as in production (its own static handler looks names up in the sources, which have no hashes)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda app: app
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a request to a French page leaves French active in the thread
    (LocaleMiddleware activates, nothing deactivates), and `get_absolute_url()` would then give /fr/ URLs."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate limits, the identity, cached pages and fragments of one test never reach the next."""
    from django.core.cache import caches

    for each in caches.all():
        each.clear()
    yield


@pytest.fixture(autouse=True)
def _isolated_storage_and_tasks(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test gets its own media root; tasks run inline unless a test asks for the database worker."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A controllable clock for embargo and expiry tests: `clock.advance(minutes=...)`."""

    class Clock:
        def __init__(self) -> None:
            self.now = timezone.now()

        def advance(self, **delta: float) -> None:
            self.now += dt.timedelta(**delta)

    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    yield c


@pytest.fixture
def item_factory(db: Any) -> Any:
    return make_item


@pytest.fixture
def article_factory(db: Any) -> Any:
    return make_article


@pytest.fixture(scope="session")
def media_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated media shared by the whole session (never committed)."""
    return tmp_path_factory.mktemp("generated-media")


@pytest.fixture(scope="session")
def small_video(media_cache: Path) -> Path:
    """A 3-second 320x180 25 fps H.264/AAC test pattern, GOP 25 with B-frames."""
    from newsreel.media.testpattern import PatternSpec, generate_video

    path = media_cache / "small-25.mp4"
    if not path.exists():
        generate_video(path, PatternSpec(width=320, height=180, seconds=3, gop=25, preset="ultrafast"))
    return path


@pytest.fixture(scope="session")
def small_photo(media_cache: Path) -> Path:
    from newsreel.media.testpattern import generate_photo

    path = media_cache / "photo.jpg"
    if not path.exists():
        generate_photo(path, width=1200, height=800)
    return path


@pytest.fixture(scope="session")
def small_wav(media_cache: Path) -> Path:
    from newsreel.media.testpattern import generate_tone_wav

    path = media_cache / "tone.wav"
    if not path.exists():
        generate_tone_wav(path, seconds=2)
    return path

