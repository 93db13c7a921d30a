"""Forms plugged into allauth (ACCOUNT_FORMS) and the portal's own account forms."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import ConfirmPasswordResetCodeForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from newsreel.accounts.models import Profile
from newsreel.accounts.redirects import safe_next
from newsreel.accounts.reset import HashedResetCodeProcess, code_matches
from newsreel.accounts.signup import ProfileFields


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["full_name", "organisation", "role", "country", "language"]
        labels = {name: field.label for name, field in ProfileFields.base_fields.items()}


class SignupForm(AllauthSignupForm):
    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists and self.cleaned_data.get("password1"):
            # A new account costs one password hash (hundreds of ms), an existing address none: hash and discard
            # the typed password so the answer's timing does not tell whether the address has an account.
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class ResetPasswordForm(AllauthResetPasswordForm):
    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        email = self.cleaned_data["email"]
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        HashedResetCodeProcess.start(
            request=request, user=self.users[0] if self.users else None, email=email,
            next_url=safe_next(next_url, default=""),
        )
        return str(email)


class ConfirmResetCodeForm(ConfirmPasswordResetCodeForm):
    """Compares the typed code with the stored hash (the view hands over the hash as `code`)."""

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if not code_matches(code, self.expected_code or ""):
            raise get_adapter().validation_error("incorrect_code")
        return code


class AcceptTermsForm(forms.Form):
    accept = forms.BooleanField(label=_("I accept these terms of use"), required=True)


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and profile are deleted for good."), required=True
    )
