"""One pagination rule for every list page: bounded page size, bad page numbers are a 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest

from newsreel.media.numbers import NotANumber, whole_number


def paginate(request: HttpRequest, queryset: Any, per_page: int | None = None) -> Page[Any]:
    paginator = Paginator(queryset, per_page or settings.NEWSREEL_PAGE_SIZE)
    try:
        number = whole_number(request.GET.get("page", "1"), maximum=settings.NEWSREEL_MAX_PAGE)
        if number < 1:
            raise EmptyPage
        return paginator.page(number)
    except (NotANumber, PageNotAnInteger, EmptyPage) as exc:
        raise Http404("No such page") from exc
