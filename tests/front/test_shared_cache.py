"""The default cache is shared by every process, so rate limits hold across gunicorn workers (issue #14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsreel.env import ConfigError, cache_from_url

ROOT = Path(__file__).resolve().parents[2]

# One process's share of password-reset requests for one address (limit in settings: 5 an hour per address).
RESET_ATTEMPTS = """
import sys
import django
django.setup()
from allauth.core.ratelimit import consume
from django.test import RequestFactory
request = RequestFactory().post("/en/accounts/password/reset/", REMOTE_ADDR="192.0.2.7")
print(sum(consume(request, action="reset_password", key="someone@example.org") for _ in range(int(sys.argv[1]))))
"""


def allowed_in_a_new_process(var_dir: Path, attempts: int, cache_url: str | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSREEL_")}
    env.update(NEWSREEL_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="newsreel.settings", PYTHONPATH=str(ROOT))
    if cache_url is not None:
        env["NEWSREEL_CACHE_URL"] = cache_url
    result = subprocess.run([sys.executable, "-c", RESET_ATTEMPTS, str(attempts)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    return int(result.stdout.strip().splitlines()[-1])


def test_two_processes_share_one_reset_limit_with_the_default_cache(tmp_path):
    assert allowed_in_a_new_process(tmp_path, 3) == 3
    assert allowed_in_a_new_process(tmp_path, 3) == 2  # with a cache per process, 3: the limit doubled
    assert allowed_in_a_new_process(tmp_path, 3) == 0


def test_two_processes_share_one_reset_limit_with_a_file_cache_url(tmp_path):
    url = f"file://{tmp_path / 'shared-cache'}"
    assert allowed_in_a_new_process(tmp_path / "a", 4, url) == 4
    assert allowed_in_a_new_process(tmp_path / "b", 4, url) == 1


def test_cache_urls_name_a_shared_backend(tmp_path):
    assert cache_from_url("", tmp_path)["LOCATION"] == str(tmp_path / "cache")
    assert cache_from_url("", tmp_path)["BACKEND"].endswith("FileBasedCache")
    assert cache_from_url("file:///srv/cache", tmp_path)["LOCATION"] == "/srv/cache"
    db = cache_from_url("db://portal_cache", tmp_path)
    assert db["BACKEND"].endswith("DatabaseCache") and db["LOCATION"] == "portal_cache"
    redis = cache_from_url("redis://127.0.0.1:6379/1", tmp_path)
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    for bad in ("locmem://", "memcached://x", "file://"):
        with pytest.raises(ConfigError):
            cache_from_url(bad, tmp_path)
