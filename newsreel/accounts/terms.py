"""Terms of use: who must accept the version in force, and the guard download views call before serving."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from newsreel.accounts.models import TermsAcceptance, TermsVersion
from newsreel.accounts.standing import standing


def needs_terms_acceptance(user: User | AnonymousUser) -> bool:
    """True when a signed-in user has not accepted the terms version in force (False when none is published)."""
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    return not standing(user).accepted


def accept_terms(*, user: User, terms: TermsVersion) -> TermsAcceptance:
    acceptance, _created = TermsAcceptance.objects.get_or_create(
        user=user, terms=terms, defaults={"accepted_at": timezone.now()}
    )
    return acceptance


def terms_redirect(request: HttpRequest) -> HttpResponseRedirect | None:
    """For views that cannot use the decorator: a redirect to the terms page, or None when nothing is due."""
    if not needs_terms_acceptance(request.user):
        return None
    url = reverse("accounts:terms") + "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(url)


def terms_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator for download views: a signed-in user accepts the terms in force before the view runs."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return terms_redirect(request) or view(request, *args, **kwargs)

    return wrapper
