"""Creating, finding and revoking personal API tokens (keyword-only services; the secret exists once, in the answer).

A token reads `nrl_<prefix>_<secret>`: the prefix (10 characters) is stored in clear to find the row, the whole
token's SHA-256 to check it. The secret carries 256 random bits, so a fast hash is enough: nothing to brute-force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.utils import timezone

from newsreel.api.models import ApiToken, Scope

TOKEN_MARK = "nrl"  # noqa: S105 - the marker that starts every token, not a secret
PREFIX_LENGTH = 10
MAX_TOKEN_LENGTH = 100
MAX_TOKENS_PER_USER = 20
# Writing last_used_at on every call would make every read a write: once a minute is enough to tell.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenRefused(ValueError):
    """A token cannot be made as asked (too many, or a scope the user may not have)."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def allowed_scopes(user: User) -> list[str]:
    return [Scope.READ.value, Scope.DOWNLOAD.value] + ([Scope.EDITORIAL.value] if user.is_staff else [])


def token_create(*, user: User, name: str, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """A new token and its plain text, which the caller shows once and forgets. Every token may read."""
    wanted = {str(scope) for scope in scopes} | {Scope.READ.value}
    if not wanted <= set(allowed_scopes(user)):
        raise TokenRefused("scope not allowed")
    if ApiToken.objects.active().filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise TokenRefused("too many tokens")
    while True:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    raw = f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    ordered = " ".join(scope for scope in Scope.values if scope in wanted)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100] or prefix, prefix=prefix,
                                    secret_hash=hash_token(raw), scopes=ordered)
    return token, raw


def token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def token_find(raw: str) -> ApiToken | None:
    """The active token `raw` is, or None. The hash comparison is constant-time."""
    if len(raw) > MAX_TOKEN_LENGTH:
        return None
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_MARK or len(parts[1]) != PREFIX_LENGTH:
        return None
    token = ApiToken.objects.active().select_related("user").filter(prefix=parts[1]).first()
    if token is None or not token.user.is_active:
        return None
    if not hmac.compare_digest(token.secret_hash, hash_token(raw)):
        return None
    return token


def token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
