"""One error body for every failure the API answers (4xx and 5xx alike), documented once in the OpenAPI document.

    {"status": 404, "code": "not_found", "message": "No such item.", "errors": []}

`code` is stable and meant for programs; `message` is for people, in the request's language; `errors` lists the
fields a 422 found wrong (`loc` is the path to the field, as in the request). A 500 says nothing of its cause.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger("newsreel.api")


class FieldError(Schema):
    loc: list[str | int]
    message: str
    type: str


class ErrorBody(Schema):
    status: int
    code: str
    message: str
    errors: list[FieldError] = []


class ApiError(Exception):
    """Raised anywhere below an operation to answer with the error body."""

    def __init__(self, status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None,
                 errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})
        self.errors = errors or []


def not_found(message: str | None = None) -> ApiError:
    return ApiError(404, "not_found", message or _("Not found."))


# The statuses any operation may answer with the error body, beside its own success.
COMMON_ERRORS = (400, 401, 404, 422, 429, 500)


def with_errors(success: dict[int, Any], *extra: int) -> dict[int, Any]:
    """An operation's `response=` map: its successes plus the error body for the common failures and `extra`."""
    return {**success, **{code: ErrorBody for code in sorted({*COMMON_ERRORS, *extra})}}


def error_response(api: NinjaAPI, request: HttpRequest, error: ApiError) -> HttpResponse:
    body = {"status": error.status, "code": error.code, "message": error.message, "errors": error.errors}
    response = api.create_response(request, body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    found = []
    for error in exc.errors:
        loc = [part for part in error.get("loc", ()) if isinstance(part, str | int)]
        found.append({"loc": loc, "message": str(error.get("msg", "")), "type": str(error.get("type", ""))})
    return found


def install_handlers(api: NinjaAPI) -> None:
    """Every exception an operation can let out becomes the error body."""

    @api.exception_handler(ApiError)
    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, exc)

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(api, request, ApiError(422, "invalid_request", _("The request is not valid."),
                                                     errors=_field_errors(exc)))

    @api.exception_handler(AuthenticationError)
    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(api, request, ApiError(401, "unauthorized", _("A valid API token is required."),
                                                     headers={"WWW-Authenticate": 'Bearer realm="api"'}))

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, not_found())

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 403: "forbidden", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return error_response(api, request, ApiError(exc.status_code, code, str(exc.message)))

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(api, request, ApiError(500, "server_error", _("Something went wrong on our side.")))
