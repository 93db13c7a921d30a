from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


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


def _newsreel(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSREEL_") and k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "newsreel.cli", *args], capture_output=True, text=True,
                          env={**clean, "NEWSREEL_VAR_DIR": str(var_dir)}, timeout=120, check=True)


PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def test_local_secret_key_is_generated_on_first_start_and_kept(tmp_path):
    var = tmp_path / "var"
    first = _newsreel(var, "shell", "-c", PRINT_KEY).stdout.split()[-1]
    assert len(first) >= 50
    assert (var / "secret_key").read_text() == first
    assert (var / "secret_key").stat().st_mode & 0o077 == 0
    assert _newsreel(var, "shell", "-c", PRINT_KEY).stdout.split()[-1] == first


def test_a_start_that_loses_the_race_takes_the_key_already_kept(tmp_path):
    from newsreel.env import keep_secret_key

    path = tmp_path / "var" / "secret_key"
    assert keep_secret_key(path, "first-" + "k" * 50) == "first-" + "k" * 50
    assert keep_secret_key(path, "second-" + "k" * 50) == "first-" + "k" * 50


IMPORT_ONLY = "import newsreel.settings as s; print(s.VAR_DIR, s.MEDIA_ROOT)"


@pytest.mark.parametrize("env", [{}, {"NEWSREEL_MEDIA_ROOT": "{tmp}/media", "NEWSREEL_CACHE_DIR": "{tmp}/cache",
                                      "DATABASE_URL": "sqlite:///{tmp}/db/portal.sqlite3"}],
                         ids=["defaults", "paths-set"])
def test_reading_the_settings_creates_no_folder_or_file(tmp_path, env):
    fresh = tmp_path / "fresh"
    filled = {name: value.format(tmp=fresh) for name, value in env.items()}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSREEL_") and k != "DATABASE_URL"}
    result = subprocess.run([sys.executable, "-c", IMPORT_ONLY], capture_output=True, text=True, timeout=60,
                            env={**clean, "NEWSREEL_VAR_DIR": str(fresh / "var"), **filled}, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert str(fresh / "var") in result.stdout  # the settings did point into the fresh folder
    assert not fresh.exists(), sorted(str(p) for p in fresh.rglob("*"))


def test_each_setting_is_assigned_once():
    """Read top to bottom, a setting has one value: no later `+=`, no second definition, no branch that sets it
    again."""
    tree = ast.parse((ROOT / "newsreel" / "settings.py").read_text())
    assigned: Counter[str] = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            raise AssertionError(f"settings.py defines {getattr(node, 'name', 'a lambda')}: helpers go to env.py")
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    assigned[name.id] += 1
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value,
                                                                                               ast.Name):
            # ALLOWED_HOSTS.append(...) or INSTALLED_APPS.extend(...) would set a name a second time.
            assert not node.func.value.id.isupper(), f"{node.func.value.id}.{node.func.attr}() changes a setting"
    assert len(assigned) > 100  # the walk did find the settings
    assert [name for name, count in assigned.items() if count > 1] == []


def test_settings_name_one_template_folder_per_app_and_none_for_the_project():
    from django.conf import settings

    assert settings.TEMPLATES[0]["DIRS"] == []
    assert not (ROOT / "newsreel" / "templates").exists()


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
