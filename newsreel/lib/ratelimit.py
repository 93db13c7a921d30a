"""Fixed-window request counters in the shared cache (CACHES: NEWSREEL_CACHE_URL), for every process alike, and
the client address they count by.

A fixed window is one cache key and one increment per request, and it says exactly when it ends, which is
what a 429's Retry-After must tell. The newsletter's subscribe limits and the API's limits both count here.
"""

from __future__ import annotations

import math

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone


def hit(key: str, *, limit: int, window: int) -> int:
    """Count a request against `key`: 0 while it stays within `limit` per `window` seconds, else the seconds
    until the window ends (for Retry-After)."""
    now = timezone.now().timestamp()  # the project's clock, which tests can move
    start = int(now) // window * window
    bucket = f"{key}:{start // window}"
    if cache.add(bucket, 1, timeout=window + 60):
        count = 1
    else:
        try:
            count = cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.add(bucket, 1, timeout=window + 60)
            count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil(start + window - now))


def client_ip(request: HttpRequest) -> str:
    """The caller's address as allauth's own rate limits read it: X-Forwarded-For trusted only as far as
    NEWSREEL_TRUSTED_PROXY_COUNT (or NEWSREEL_TRUSTED_CLIENT_IP_HEADER) says."""
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:  # a forwarded header that cannot be trusted
        return "unknown"
