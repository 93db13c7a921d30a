"""Typed helpers that read settings from the environment, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


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


def local_secret_key(var_dir: Path) -> str:
    """A secret key kept in var/ so sessions survive restarts on a laptop; created on first use."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


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
