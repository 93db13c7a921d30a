"""Typed helpers that read settings from the environment, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_email_url


class ConfigError(RuntimeError):
    """A required setting is missing or malformed; the message names the variable."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


def production_secret_key(name: str) -> str:
    """The secret key from `name`, refused on the same grounds as Django's own deploy check (security.W009).

    The check reads Django's constants rather than copying them, so the two cannot drift apart; the message names
    the variable but never echoes the value.
    """
    from django.core.checks.security.base import (
        SECRET_KEY_INSECURE_PREFIX,
        SECRET_KEY_MIN_LENGTH,
        SECRET_KEY_MIN_UNIQUE_CHARACTERS,
    )

    key = os.environ.get(name, "")
    if (len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
            or key.startswith(SECRET_KEY_INSECURE_PREFIX)):
        raise ConfigError(
            f"{name} must be set in production to a random value of at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"with at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones and not starting with "
            f"{SECRET_KEY_INSECURE_PREFIX!r} (generate one with: python -c 'import secrets; "
            f"print(secrets.token_urlsafe(50))')"
        )
    return key


def stored_secret_key(path: Path) -> str:
    """The laptop's secret key kept in `path`, or a new one until `keep_secret_key` stores it at start-up:
    reading the settings writes nothing."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return secrets.token_urlsafe(50)


def keep_secret_key(path: Path, key: str) -> str:
    """Store `key` in `path` (owner-only) unless a key is there already; the key kept, so sessions survive restarts.

    A process that lost the race to another one's first start gets the other's key back, never a second file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def prepare_local_files(settings: Any) -> None:
    """Make what the settings point at on this machine, at a process's start (the `newsreel` command, the WSGI
    application, the tests), never when the settings are read: the SQLite databases' folders, the uploads' spool
    (Django's checks refuse to start without it) and, on a laptop, the secret key file. Other folders are made by
    the code that writes in them."""
    if settings.FILE_UPLOAD_TEMP_DIR:
        Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
    for database in settings.DATABASES.values():
        if database["ENGINE"] != "django.db.backends.sqlite3":
            continue
        for name in (database["NAME"], database.get("TEST", {}).get("NAME")):
            if name and str(name) != ":memory:" and not str(name).startswith("file:"):
                Path(name).parent.mkdir(parents=True, exist_ok=True)
    if getattr(settings, "NEWSREEL_SECRET_KEY_FILE", None) is not None:
        settings.SECRET_KEY = keep_secret_key(Path(settings.NEWSREEL_SECRET_KEY_FILE), settings.SECRET_KEY)


def email_from_url(url: str) -> dict[str, Any]:
    """Django's e-mail settings from NEWSREEL_EMAIL_URL, or ConfigError naming the schemes understood."""
    try:
        parsed = dj_email_url.parse(url)
    except KeyError:
        parsed = {}
    if "EMAIL_BACKEND" not in parsed:
        raise ConfigError("NEWSREEL_EMAIL_URL: unknown scheme; use console://, file:////path, smtp://, "
                          "submission:// or smtp://...:465?ssl=True")
    return dict(parsed)


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    channels = []
    for i in (1, 3, 5):
        c = int(hex_colour[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


MIN_BRAND_CONTRAST = 4.5


def check_brand_colour(value: str) -> str:
    """The colour as #rrggbb (lower case), or ValueError: hex only, and white text on it must stay readable."""
    raw = value.strip().lower()
    if len(raw) == 4 and raw.startswith("#"):
        raw = "#" + "".join(ch * 2 for ch in raw[1:])
    if len(raw) != 7 or raw[0] != "#" or any(ch not in "0123456789abcdef" for ch in raw[1:]):
        raise ValueError(f"{value!r} is not a hex colour such as #0b4f9c")
    ratio = contrast_with_white(raw)
    if ratio < MIN_BRAND_CONTRAST:
        raise ValueError(f"{raw} is too light: white text on it has a contrast of {ratio:.2f}:1, "
                         f"below {MIN_BRAND_CONTRAST}:1")
    return raw


def env_colour(name: str, default: str) -> str:
    raw = os.environ.get(name) or default
    try:
        return check_brand_colour(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from exc


def env_footer_links(name: str) -> list[tuple[str, str, str]]:
    """Footer links as 'English label|Libellé français|URL' entries separated by ';'."""
    raw = os.environ.get(name, "")
    links = []
    for entry in raw.split(";"):
        if not entry.strip():
            continue
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) != 3 or not all(parts) or not parts[2].startswith(("/", "https://", "http://")):
            raise ConfigError(f"{name}: {entry!r} is not 'English label|Libellé français|URL'")
        links.append((parts[0], parts[1], parts[2]))
    return links


def cache_from_url(url: str, var_dir: Path) -> dict[str, object]:
    """The default cache from NEWSREEL_CACHE_URL; every choice is shared by all the processes of one host or more.

    "" or file:///path: one directory of files (the laptop default, under var/cache); db://table: a table of the
    database (`newsreel createcachetable` first); redis://host:6379/0 or rediss://: Redis, for web processes on
    several hosts. A local-memory cache is not offered: rate limits would count per process.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    # Enough entries for the pages cached per language and the rate-limit counters; culling lists the directory.
    options = {"MAX_ENTRIES": 5000}
    if url == "":
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(var_dir / "cache"), "OPTIONS": options}
    if parts.scheme == "file":
        if not parts.path:
            raise ConfigError("NEWSREEL_CACHE_URL: file:///absolute/path")
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": parts.path,
                "OPTIONS": options}
    if parts.scheme == "db":
        table = parts.netloc or parts.path.lstrip("/") or "newsreel_cache"
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table, "OPTIONS": options}
    if parts.scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ConfigError("NEWSREEL_CACHE_URL: use file:///path, db://table or redis://host:port/db")


def env_origin(name: str) -> str:
    """An origin (`https://host[:port]`, nothing after it) from the environment, or "" when unset."""
    raw = os.environ.get(name, "").strip().rstrip("/")
    return _origin(name, raw) if raw else ""


def _origin(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ConfigError(f"{name} must be an origin such as https://media.example.org, not {raw!r}")
    return raw


def env_origins(name: str) -> list[str]:
    """Comma-separated origins (each as env_origin), or the single value `*` for any web site."""
    raw = [part.rstrip("/") for part in env_list(name)]
    if raw == ["*"]:
        return raw
    return [_origin(name, part) for part in raw]


# Parts smaller than 5 MiB are refused by S3 (and most compatible stores) for all but the last part.
_S3_MIN_PART = 5 * 1024 * 1024


def file_storage() -> dict[str, Any]:
    """Django's default storage from NEWSREEL_STORAGE: `local` (files under MEDIA_ROOT) or `s3` (an S3-compatible
    object store through django-storages and boto3; docs/storage.md names the variables)."""
    kind = env_str("NEWSREEL_STORAGE", "local")
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                # No location of its own: it follows MEDIA_ROOT (tests move it).
                "OPTIONS": {"allow_overwrite": True}}
    if kind != "s3":
        raise ConfigError(f"NEWSREEL_STORAGE={kind!r}: use local or s3")
    bucket = env_str("NEWSREEL_S3_BUCKET")
    if not bucket:
        raise ConfigError("NEWSREEL_S3_BUCKET must name the bucket when NEWSREEL_STORAGE=s3")
    part = env_int("NEWSREEL_S3_PART_BYTES", 16 * 1024 * 1024)
    if part < _S3_MIN_PART:
        raise ConfigError(f"NEWSREEL_S3_PART_BYTES must be at least {_S3_MIN_PART} (5 MiB), the smallest part S3 "
                          "takes")
    from boto3.s3.transfer import TransferConfig

    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": env_str("NEWSREEL_S3_PREFIX").strip("/"),
        "region_name": env_str("NEWSREEL_S3_REGION") or None,
        "endpoint_url": env_str("NEWSREEL_S3_ENDPOINT_URL") or None,
        # Stored names are chosen by the system and replaced in place (a reprocessed item's web video).
        "file_overwrite": True,
        # Nothing is public: every read is the portal's, or a signed URL it handed out after the access check.
        "default_acl": None,
        "querystring_auth": True,
        "signature_version": "s3v4",
        "addressing_style": env_str("NEWSREEL_S3_ADDRESSING_STYLE") or None,
        # Multipart above one part, streamed from disk part by part.
        "transfer_config": TransferConfig(multipart_threshold=part, multipart_chunksize=part,
                                          max_concurrency=env_int("NEWSREEL_S3_CONCURRENCY", 4)),
    }
    # Without keys here boto3 looks in its usual places (AWS_* variables, ~/.aws, an instance role).
    if env_str("NEWSREEL_S3_ACCESS_KEY_ID"):
        options["access_key"] = env_str("NEWSREEL_S3_ACCESS_KEY_ID")
        options["secret_key"] = env_str("NEWSREEL_S3_SECRET_ACCESS_KEY")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
