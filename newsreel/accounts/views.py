"""Account pages the portal adds to allauth's: the reset-code steps with hashed codes, resend and a way back,
terms acceptance, the profile and account deletion."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic.edit import FormView

from newsreel.accounts.forms import AcceptTermsForm, DeleteAccountForm, ProfileForm
from newsreel.accounts.models import Profile, TermsVersion
from newsreel.accounts.passwords import RULES
from newsreel.accounts.redirects import safe_next
from newsreel.accounts.reset import HashedResetCodeProcess
from newsreel.accounts.services import account_delete, end_other_sessions
from newsreel.accounts.terms import accept_terms, needs_terms_acceptance


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class ConfirmResetCodeView(allauth_views.ConfirmPasswordResetCodeView):
    """allauth's code step, resuming the hashed process instead of allauth's plain-text one."""

    _process: HashedResetCodeProcess

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        process = HashedResetCodeProcess.resume(request)
        if process is None:
            return HttpResponseRedirect(reverse("account_reset_password"))
        self._process = process
        if process.state.get("code_confirmed"):
            return HttpResponseRedirect(reverse("account_complete_password_reset"))
        return FormView.dispatch(self, request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_resend"] = self._process.can_resend
        ctx["minutes"] = max(1, self._process.timeout // 60)
        return ctx

    def form_invalid(self, form: Any) -> HttpResponse:
        attempts_left = self._process.record_invalid_attempt()
        if attempts_left:
            return FormView.form_invalid(self, form)
        messages.error(self.request, _("Too many wrong codes. Ask for a new code to try again."))
        return HttpResponseRedirect(_with_next(reverse("account_reset_password"),
                                               self._process.state.get("next", "")))


@require_POST
def resend_reset_code(request: HttpRequest) -> HttpResponse:
    process = HashedResetCodeProcess.resume(request)
    if process is None or process.state.get("code_confirmed"):
        return HttpResponseRedirect(reverse("account_reset_password"))
    confirm_url = reverse("account_confirm_password_reset_code")
    wait = process.seconds_until_resend()
    if wait:
        messages.error(request, _("Please wait %(seconds)d seconds before asking for a new code.") % {"seconds": wait})
        return HttpResponseRedirect(confirm_url)
    if not process.can_resend:
        messages.error(request, _("No more new codes for this request. Start again."))
        return HttpResponseRedirect(reverse("account_reset_password"))
    # A resend costs the same as a new request, per address and per client IP.
    limited = ratelimit.consume_or_429(request, action="reset_password", key=process.state["email"].lower())
    if limited:
        return limited
    process.resend()
    messages.success(request, _("We sent a new code. The previous code no longer works."))
    return HttpResponseRedirect(confirm_url)


class CompleteResetView(allauth_views.CompletePasswordResetView):
    """allauth's new-password step; afterwards other sessions end and the user is offered the way back."""

    _process: HashedResetCodeProcess

    def dispatch(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        process = HashedResetCodeProcess.resume(request)
        if process is None:
            return HttpResponseRedirect(reverse("account_reset_password"))
        self._process = process
        if not process.state.get("code_confirmed"):
            return HttpResponseRedirect(reverse("account_confirm_password_reset_code"))
        return FormView.dispatch(self, request, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["password_rules"] = RULES
        return ctx

    def form_valid(self, form: Any) -> HttpResponse:
        user = self._process.user
        next_url = safe_next(self._process.state.get("next"), default="")
        form.save()
        self._process.finish()
        assert user is not None
        end_other_sessions(user=user, keep_session_key=self.request.session.session_key)
        return HttpResponseRedirect(_with_next(reverse("account_password_reset_completed"), next_url))


def reset_completed(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request.GET.get("next"), default="")
    sign_in_url = _with_next(reverse("account_login"), next_url)
    return render(request, "account/password_reset_from_key_done.html", {
        "back_url": next_url or reverse("home"), "sign_in_url": sign_in_url,
    })


@login_required
@require_http_methods(["GET", "POST"])
def accept_terms_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request.POST.get("next") or request.GET.get("next"), default=reverse("home"))
    terms = TermsVersion.current()
    if terms is None or not needs_terms_acceptance(request.user):
        return HttpResponseRedirect(next_url)
    form = AcceptTermsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept_terms(user=request.user, terms=terms)  # type: ignore[arg-type]
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/accept_terms.html", {"terms": terms, "form": form, "next": next_url})


def terms_text(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/terms.html", {"terms": TermsVersion.current()})


@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)  # type: ignore[misc]
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return HttpResponseRedirect(reverse("accounts:profile"))
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account_view(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account_delete(user=user)  # type: ignore[arg-type]
        get_adapter(request).add_message(request, messages.SUCCESS, message=_("Your account is deleted."))
        return HttpResponseRedirect(reverse("home"))
    return render(request, "accounts/delete_account.html", {"form": form})
