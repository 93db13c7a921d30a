"""Public pages for anonymous readers, kept in the shared cache and marked for CDNs and nginx.

A page is cached when its view is listed in CACHED_VIEWS, the request is a GET or HEAD without a session or
messages cookie, and the response is a 200 without Set-Cookie or a Cache-Control of its own. Anything else (a
signed-in reader, a form with a CSRF token, a message to show) is rendered as before and marked private.

Freshness (docs/performance.md): saving or deleting content bumps a generation number that is part of every key,
so a publish shows at once in every process; an entry also ends at the next embargo time (content that appears
by itself, with nothing saved) and after NEWSREEL_PAGE_CACHE_SECONDS at most. Shared caches outside the portal
get a short max-age (NEWSREEL_PAGE_MAX_AGE), also cut at the next embargo time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe

CACHED_VIEWS = frozenset({
    "home", "catalogue:list", "catalogue:item", "catalogue:events", "catalogue:event", "news:list", "news:article",
    "search:search",
    # Feeds and NewsML-G2 documents (newsreel/api): the same for every reader, polled by machines.
    "feeds:index", "feeds:news", "feeds:media", "feeds:media_kind", "feeds:event", "feeds:search",
    "api:newsml_item", "api:newsml_article",
})
# Models whose rows show on public pages; a save or delete of any of them starts a new generation.
CONTENT_APPS = frozenset({"catalogue", "news", "front", "captions"})
GENERATION_KEY = "newsreel:pages:generation"
NEXT_CHANGE_KEY = "newsreel:pages:next-change:%s"
STATUS_HEADER = "X-Newsreel-Cache"
# Per-reader cookies: a request carrying one is answered by the views, never from the cache.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A random start: after the entry is evicted, a new counter must not meet keys of an old one.
        value = int.from_bytes(hashlib.sha256(timezone.now().isoformat().encode()).digest()[:4], "big")
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return int(value)


def pages_changed() -> None:
    """Start a new generation now and again after the commit: a page rendered between the save and the commit
    read the old rows and may have been stored under the new number."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        generation()


def content_saved(sender: type[Any], **kwargs: Any) -> None:
    if sender._meta.app_label in CONTENT_APPS:
        pages_changed()


def next_change(gen: int) -> dt.datetime | None:
    """When the next embargoed item or article appears by itself (publish-at in the future), if ever."""
    key = NEXT_CHANGE_KEY % gen
    cached = cache.get(key)
    if cached is not None and (cached == "" or cached > timezone.now()):
        return cached or None
    from newsreel.catalogue.models import Item
    from newsreel.news.models import Article
    from newsreel.publishing import Status

    now = timezone.now()
    times = [
        model.objects.filter(status__in=[Status.PUBLISHED, Status.SCHEDULED], publish_at__gt=now)
        .order_by("publish_at").values_list("publish_at", flat=True).first()
        for model in (Item, Article)
    ]
    upcoming = min((t for t in times if t is not None), default=None)
    cache.set(key, upcoming or "", settings.NEWSREEL_PAGE_CACHE_SECONDS)
    return upcoming


def pages_version() -> str:
    """Changes whenever cached pages and fragments must: content saved, or an embargo time reached."""
    gen = generation()
    upcoming = next_change(gen)
    return f"{gen}.{int(upcoming.timestamp()) if upcoming else 0}"


def _is_anonymous(request: HttpRequest) -> bool:
    return not any(name in request.COOKIES for name in PERSONAL_COOKIES)


def _view_name(request: HttpRequest) -> str | None:
    # Resolved here, before LocaleMiddleware: the /en/ or /fr/ prefix only matches with its language active.
    lang = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(lang):
            return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _conditional(request: HttpRequest, hit: HttpResponse) -> HttpResponse:
    """A 304 for a stored answer that has validators (the feeds' ETag and Last-Modified) and a reader who
    already has it; pages carry no validators and are sent whole, as before."""
    if not hit.has_header("ETag") and not hit.has_header("Last-Modified"):
        return hit
    answer = get_conditional_response(request, etag=hit.get("ETag"),
                                      last_modified=parse_http_date_safe(hit.get("Last-Modified", "")),
                                      response=hit)
    assert isinstance(answer, HttpResponse)
    return answer


def _key(request: HttpRequest, gen: int) -> str:
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"newsreel:page:{gen}:{hashlib.sha256(url.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Placed before the session middleware, so that a page from the cache costs no session, user or query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        cacheable = (settings.NEWSREEL_PAGE_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD")
                     and _is_anonymous(request) and _view_name(request) in CACHED_VIEWS)
        if not cacheable:
            return self._private(self.get_response(request))
        gen = generation()
        key = _key(request, gen)
        now = timezone.now()
        entry = cache.get(key)
        if entry is not None and entry[0] > now:
            _until, status, headers, content = entry
            hit = HttpResponse(content, status=status)
            for name, value in headers:
                hit[name] = value
            self._public(hit, now, _until)
            hit[STATUS_HEADER] = "hit"
            return _conditional(request, hit)
        rendered = self.get_response(request)
        if rendered.status_code == 304 and isinstance(rendered, HttpResponse):
            # A feed reader that has the current version (the view checked its validators): the 304 is as
            # public as the answer it stands for.
            patch_vary_headers(rendered, ("Cookie",))
            self._public(rendered, now, self._until(gen, now))
            return rendered
        if not self._storable(rendered):
            return self._private(rendered)
        assert isinstance(rendered, HttpResponse)
        response = rendered
        until = self._until(gen, now)
        patch_vary_headers(response, ("Cookie",))
        headers = [(name, value) for name, value in response.items() if name.lower() != "cache-control"]
        if until > now:
            cache.set(key, (until, response.status_code, headers, response.content),
                      int((until - now).total_seconds()) + 1)
        self._public(response, now, until)
        response[STATUS_HEADER] = "miss"
        return response

    @staticmethod
    def _until(gen: int, now: dt.datetime) -> dt.datetime:
        """How long an answer may be kept: the cache's lifetime, cut at the next embargo time."""
        upcoming = next_change(gen)
        until = now + dt.timedelta(seconds=settings.NEWSREEL_PAGE_CACHE_SECONDS)
        return min(until, upcoming) if upcoming is not None else until

    @staticmethod
    def _storable(response: HttpResponseBase) -> bool:
        return (response.status_code == 200 and isinstance(response, HttpResponse) and not response.streaming
                and not response.cookies and not response.has_header("Cache-Control"))

    @staticmethod
    def _public(response: HttpResponse, now: dt.datetime, until: dt.datetime) -> None:
        max_age = max(0, min(settings.NEWSREEL_PAGE_MAX_AGE, int((until - now).total_seconds())))
        patch_cache_control(response, public=True, max_age=max_age)

    @staticmethod
    def _private(response: HttpResponseBase) -> HttpResponseBase:
        # Pages for a signed-in reader, or with a token or message of their own, are for that browser only.
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response


COMPRESSED_TYPES = ("text/", "application/json", "application/xml", "application/rss+xml", "application/atom+xml",
                    "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Gzip for pages, feeds and JSON only: files (downloads, previews, clips) keep their bytes, lengths and
    Range answers. Static files come compressed ahead of time from WhiteNoise."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.streaming or not response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
