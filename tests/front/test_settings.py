from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSREEL_")}
    return subprocess.run([sys.executable, "-c", "import newsreel.settings"], env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_secret_key():
    result = _load_settings({"NEWSREEL_ENV": "production", "NEWSREEL_ALLOWED_HOSTS": "media.example.org"})
    assert result.returncode != 0
    assert "NEWSREEL_SECRET_KEY" in result.stderr


# 50 characters, 16 distinct ones: what Django's own security.W009 check accepts.
GOOD_KEY = "0123456789abcdef" * 3 + "Zz"


@pytest.mark.parametrize("key", [
    "x" * 32,  # the reported one: long enough for the old rule, one distinct character
    "x" * 80,  # any length, too few distinct characters
    "abcd" * 20,  # four distinct characters: Django wants five
    (GOOD_KEY * 2)[:49],  # one short of Django's 50
    "django-insecure-" + GOOD_KEY,  # the prefix startproject's throw-away keys carry
], ids=["32-identical", "80-identical", "4-distinct", "49-long", "insecure-prefix"])
def test_production_refuses_what_djangos_secret_key_check_refuses(key):
    from django.core.checks.security.base import _check_secret_key

    assert not _check_secret_key(key)  # the cases really are the ones Django's check (W009) flags
    result = _load_settings({"NEWSREEL_ENV": "production", "NEWSREEL_SECRET_KEY": key,
                             "NEWSREEL_ALLOWED_HOSTS": "media.example.org"})
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "ConfigError" in last and "NEWSREEL_SECRET_KEY" in last
    assert key not in result.stderr  # the refusal never echoes the secret


def test_production_refuses_to_start_without_allowed_hosts():
    result = _load_settings({"NEWSREEL_ENV": "production", "NEWSREEL_SECRET_KEY": GOOD_KEY})
    assert result.returncode != 0
    assert "NEWSREEL_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both():
    result = _load_settings({"NEWSREEL_ENV": "production", "NEWSREEL_SECRET_KEY": GOOD_KEY,
                             "NEWSREEL_ALLOWED_HOSTS": "media.example.org"})
    assert result.returncode == 0, result.stderr


def test_local_secret_key_is_generated_once_and_kept(tmp_path):
    from newsreel.env import local_secret_key

    first = local_secret_key(tmp_path)
    assert len(first) >= 50
    assert local_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_boolean_settings_reject_nonsense(monkeypatch):
    from newsreel.env import ConfigError, env_bool

    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG"):
        env_bool("X_FLAG")


@pytest.mark.django_db
def test_sqlite_runs_in_wal_with_full_sync():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA journal_mode")
        # The test database may be in memory; on disk it must be WAL.
        assert cursor.fetchone()[0] in {"wal", "memory"}
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_unknown_email_scheme_is_a_clear_configuration_error():
    result = _load_settings({"NEWSREEL_EMAIL_URL": "carrier-pigeon://loft"})
    assert result.returncode != 0
    assert "NEWSREEL_EMAIL_URL" in result.stderr and "KeyError" not in result.stderr.splitlines()[-1]
