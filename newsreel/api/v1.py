"""The API, version 1: one NinjaAPI, one router per resource module, mounted at /api/v1/ (newsreel/api/urls.py).

Resource modules (items, articles, events, search, history, and those that come: clips, downloads, editorial
writes) each hold `router = Router()`; adding one is a line here. Every operation runs `api_auth` (token or
anonymous, then the rate limit) and answers failures with the one error body (errors.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from newsreel.api import (
    articles,
    clips,
    downloads,
    editorial,
    events,
    history,
    items,
    search,
    uploads,
    webhooks,
)
from newsreel.api.auth import api_auth
from newsreel.api.errors import ApiError, error_response, install_handlers, not_found
from newsreel.api.pagination import NEXT_PAGE
from newsreel.lib.inputs import clean_text, needs_cleaning


class NewsreelApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        """Every operation also answers anonymous callers (and then says what they may not do): say so."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if isinstance(operation, dict) and operation.get("security"):
                    operation["security"] = [*operation["security"], {}]
        return schema


api = NewsreelApi(
    title="Newsreel API",
    version="1",
    description="Media items, articles, events and search of the portal, under the same access rules as its "
                "pages. Anonymous callers read open published content; a personal token "
                "(`Authorization: Bearer nrl_...`, made on the account page) reads as its owner.",
    urls_namespace="api:v1",
    auth=api_auth,
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)

api.add_router("/items", items.router)
api.add_router("/articles", articles.router)
api.add_router("/events", events.router)
api.add_router("/search", search.router)
api.add_router("/me", history.router)
api.add_router("/renditions", downloads.router)
api.add_router("/clips", clips.router)
api.add_router("/webhooks", webhooks.router)
api.add_router("/editorial", editorial.router)
api.add_router("/editorial", uploads.router)


def _control_characters(request: HttpRequest) -> ApiError | None:
    """The portal strips control characters from query values (newsreel.lib.inputs); the API refuses them, so
    that what a client sent is what is validated (a value must not pass a length limit by losing characters)."""
    raw = request.META.get("QUERY_STRING", "")
    bad = [name for name, value in parse_qsl(raw, keep_blank_values=True, errors="replace")
           if needs_cleaning(name + value)]
    if not bad:
        return None
    return ApiError(422, "invalid_request", _("The request is not valid."), errors=[
        {"loc": ["query", clean_text(name)], "message": _("Control characters are not allowed."),
         "type": "control_characters"} for name in dict.fromkeys(bad)])


def _api_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Around each of ninja's views: refuse control characters, answer HEAD as GET (the server sends no body),
    send the next page's Link header, and give ninja's bare 405 the error body."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = _control_characters(request)
        if refused is not None:
            return error_response(api, request, refused)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = view(request, *args, **kwargs)
        # What a caller gets depends on its token (links, verdicts) and its language (labels, messages, ranking).
        patch_vary_headers(response, ("Authorization", "Accept-Language"))
        if NEXT_PAGE in request.META and response.status_code == 200:
            response["Link"] = f'<{request.META[NEXT_PAGE]}>; rel="next"'
        if head and isinstance(response, HttpResponse) and not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        if isinstance(response, HttpResponseNotAllowed):
            error = error_response(api, request, ApiError(405, "method_not_allowed", _("Method not allowed.")))
            allowed = [m.strip() for m in response["Allow"].split(",")]
            error["Allow"] = ", ".join(sorted({*allowed, "HEAD"} if "GET" in allowed else set(allowed)))
            return error
        return response

    return wrapped


def api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    patterns, app_name, namespace = api.urls
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            callback = api_index if pattern.name == "api-root" else _api_view(pattern.callback)
            pattern = URLPattern(pattern.pattern, callback, pattern.default_args, pattern.name)
        wrapped.append(pattern)
    return wrapped, app_name, namespace


@csrf_exempt
def api_index(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """/api/v1/: where a client starts (ninja's own root only answers 404)."""
    if request.method not in ("GET", "HEAD"):
        error = error_response(api, request, ApiError(405, "method_not_allowed", _("Method not allowed.")))
        error["Allow"] = "GET, HEAD"
        return error
    root = request.build_absolute_uri(request.path)
    return JsonResponse({"openapi": root + "openapi.json", "docs": root + "docs", "resources": {
        name: root + name for name in ("items", "articles", "events", "search", "me/downloads")}})


@csrf_exempt
def unknown_path(request: HttpRequest) -> HttpResponse:
    response = error_response(api, request, not_found(_("No such resource in this API.")))
    patch_vary_headers(response, ("Accept-Language",))  # the message's language
    return response
