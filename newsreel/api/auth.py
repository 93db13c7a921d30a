"""Who is calling: a personal token (`Authorization: Bearer nrl_...`) or nobody, and what they may do.

Every operation runs `ApiAuth`: it finds the token (a wrong, revoked or malformed one is a 401, never a silent
fallback to anonymous), sets `request.user` to the token's owner (or AnonymousUser), and counts the call against
the rate limit of the token (or, anonymous, of the client's address). The API never acts on a session cookie:
a page's login cannot be borrowed by a cross-site request, so no CSRF token is needed.

Operations then ask for more with `require_scope(request, "download")` or `require_user(request)`; the access
rules themselves stay where the pages have them (newsreel/downloads/access.py, newsreel/publishing.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from newsreel.api.errors import ApiError
from newsreel.api.models import ApiToken, Scope
from newsreel.api.tokens import token_find, token_touch
from newsreel.lib.ratelimit import client_ip, hit


@dataclass(frozen=True)
class Caller:
    """`request.auth` in every operation."""

    user: User | AnonymousUser
    token: ApiToken | None = None

    def has_scope(self, scope: str) -> bool:
        return self.token is not None and self.token.has_scope(scope)


class ApiAuth(HttpBearer):
    """Bearer token or anonymous. Shown in OpenAPI as the `bearerAuth` scheme (optional where anonymous reads)."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Caller:
        header = request.headers.get("Authorization")
        token = None
        if header is not None:
            scheme, _space, raw = header.partition(" ")
            token = self.authenticate(request, raw.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            # Anonymous calls, and wrong tokens (so that guessing costs the address its allowance too).
            _limit(f"ip:{client_ip(request)}", settings.NEWSREEL_API_RATE_ANONYMOUS)
            if header is not None:
                raise ApiError(401, "invalid_token", _("The API token is not valid, or was revoked."),
                               headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})
            caller = Caller(user=AnonymousUser())
        else:
            _limit(f"token:{token.prefix}", settings.NEWSREEL_API_RATE_TOKEN)
            token_touch(token=token)
            caller = Caller(user=token.user, token=token)
        request.user = caller.user
        return caller

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return token_find(token)


def _limit(key: str, limit: int) -> None:
    wait = hit(f"api:rate:{key}", limit=limit, window=settings.NEWSREEL_API_RATE_WINDOW)
    if wait:
        raise ApiError(429, "rate_limited", _("Too many requests: try again in %(seconds)d s.") % {
            "seconds": wait}, headers={"Retry-After": str(wait)})


def caller_of(request: HttpRequest) -> Caller:
    auth: Any = getattr(request, "auth", None)
    return auth if isinstance(auth, Caller) else Caller(user=AnonymousUser())


def require_user(request: HttpRequest) -> User:
    """The token's owner; anonymous callers get a 401."""
    caller = caller_of(request)
    if caller.token is None or not isinstance(caller.user, User):
        raise ApiError(401, "unauthorized", _("This needs an API token."),
                       headers={"WWW-Authenticate": 'Bearer realm="api"'})
    return caller.user


def require_scope(request: HttpRequest, scope: str) -> User:
    """The token's owner if the token carries `scope` (editorial: and its owner is staff), else 401/403."""
    user = require_user(request)
    if not caller_of(request).has_scope(scope):
        raise ApiError(403, "insufficient_scope", _("This token does not have the “%(scope)s” scope.") % {
            "scope": scope}, headers={"WWW-Authenticate": f'Bearer realm="api", error="insufficient_scope", '
                                                          f'scope="{Scope(scope).value}"'})
    return user


api_auth = ApiAuth()
