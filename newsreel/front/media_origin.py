"""The cookieless media origin (NEWSREEL_MEDIA_ORIGIN) answers for previews only."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


class MediaOriginMiddleware:
    """On the media host, everything but /preview/ is 404: no page, form or sign-in may live on an origin that
    serves stored files, and the portal's pages must not be reachable (and framed) under a second name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = settings.NEWSREEL_MEDIA_HOST
        if host and request.get_host().rsplit(":", 1)[0] == host and not request.path.startswith("/preview/"):
            return HttpResponseNotFound(content_type="text/plain")
        return self.get_response(request)
