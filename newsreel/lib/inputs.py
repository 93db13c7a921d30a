"""One boundary for text from outside: control characters never reach a view, a form or the database.

PostgreSQL refuses NUL in text, so a NUL that slipped into a query was a server error there (and silently
matched nothing on SQLite); other control characters are never meaningful in a field either. Django's form
fields refuse NUL, but values read straight from `request.GET`/`POST` (`get`, `getlist`) and strings kept for
later (a saved search's query string, parsed again at every alert run) bypass forms. So the middleware cleans
every query-string and form value and refuses URL paths holding control characters, and `clean_text` is what
code parsing stored strings (newsreel.search.params) calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, QueryDict

# C0 controls and DEL, except tab, line feed and carriage return, which a text area may legitimately send.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def clean_text(value: str) -> str:
    return _CONTROL.sub("", value)


def clean_query_dict(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(v) for v in values])
    cleaned._mutable = False
    return cleaned


def needs_cleaning(value: str) -> bool:
    """True when `clean_text` would change `value`: an interface that must not change input silently (the API)
    refuses it instead."""
    return bool(_CONTROL.search(value))


def has_control_characters(value: str) -> bool:
    return bool(_ANY_CONTROL.search(value))


class CleanInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request.path_info):
            # No route has such a name; answering 404 here spares every view's lookups a value PostgreSQL refuses.
            raise Http404
        request.GET = clean_query_dict(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            # Reading POST here parses the body as CsrfViewMiddleware would for any view it protects.
            request.POST = clean_query_dict(request.POST)  # type: ignore[assignment]
        for name in [n for n, v in request.COOKIES.items() if has_control_characters(n + v)]:
            # A cookie such as a session key is looked up in the database: one with controls is no valid cookie.
            del request.COOKIES[name]
        return self.get_response(request)
