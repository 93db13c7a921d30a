"""Forms plugged into allauth (ACCOUNT_FORMS) and the portal's own account forms."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import ConfirmPasswordResetCodeForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
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
