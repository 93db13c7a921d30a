"""Which `next` values the account pages honour: same-site relative paths only, nothing a browser could
read as another host or a script."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.utils.http import url_has_allowed_host_and_scheme

# Percent-decoding more than this many times means someone is hiding something.
_MAX_DECODES = 3


def _bad_char(ch: str) -> bool:
    return ch == "\\" or ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F


def _starts_like_path(value: str) -> bool:
    # "//host", "/\\host" and "/<tab>/host" are read by browsers as another host.
    return value.startswith("/") and not (len(value) > 1 and (value[1] == "/" or _bad_char(value[1])))


def is_safe_next(value: str | None) -> bool:
    if not value or len(value) > 2000 or any(_bad_char(ch) for ch in value):
        return False
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return False
    current = value
    for _attempt in range(_MAX_DECODES + 1):
        if not _starts_like_path(current):
            return False
        decoded = unquote(current)
        if decoded == current:
            return True
        current = decoded
    return False


def safe_next(value: str | None, default: str = "/") -> str:
    return value if value and is_safe_next(value) else default
