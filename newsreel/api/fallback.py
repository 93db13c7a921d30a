"""The project's error handlers (handler400/403/404/500 in newsreel/urls.py): failures that happen before the API
(a control character refused by newsreel.lib.inputs, a bad Host header, an upload too large, a crash in a
middleware) still answer an API path with the API's error body; any other path gets the portal's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/v1/"


def _body(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"status": status, "code": code, "message": message, "errors": []}, status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _body(400, "bad_request", _("The request is not valid."))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _body(403, "forbidden", _("Not allowed."))
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _body(404, "not_found", _("No such resource in this API."))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _body(500, "server_error", _("Something went wrong on our side."))
    return defaults.server_error(request)
