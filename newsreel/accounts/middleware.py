"""The back office is for staff who signed in with a second factor (TOTP); nobody else learns it exists."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _


def has_totp(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def signed_in_with_second_factor(request: HttpRequest) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin_prefix = reverse("admin:index")
        if request.path.startswith(admin_prefix):
            refusal = self.refuse(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        back_here = urlencode({"next": request.get_full_path()})
        if not user.is_authenticated:
            # The portal's sign-in (with its rate limits and second factor) replaces the admin's own form.
            return HttpResponseRedirect(f"{reverse('account_login')}?{back_here}")
        if not (user.is_active and user.is_staff):
            raise Http404
        if not has_totp(user):
            messages.info(request, _("Set up two-factor authentication to use the back office."))
            return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{back_here}")
        if not signed_in_with_second_factor(request):
            return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{back_here}")
        return None
