"""The sign-up profile fields. allauth builds its sign-up form on top of this class (ACCOUNT_SIGNUP_FORM_CLASS),
so this module must not import allauth's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from newsreel.accounts.models import Language, MediaRole
from newsreel.accounts.services import profile_create


def _initial_language() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in Language.values else Language.EN


class ProfileFields(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    organisation = forms.CharField(label=_("Organisation or media outlet"), max_length=200,
                                   widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    role = forms.ChoiceField(label=_("Role"), choices=MediaRole.choices)
    country = forms.CharField(label=_("Country"), max_length=100,
                              widget=forms.TextInput(attrs={"autocomplete": "country-name"}))
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)


class ProfileSignupForm(ProfileFields):
    """Extra sign-up fields; allauth's sign-up form inherits from this class and calls `signup` after saving."""

    accept_terms = forms.BooleanField(label=_("I accept the terms of use"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = _initial_language()

    def signup(self, request: HttpRequest, user: User) -> None:
        data = self.cleaned_data
        profile_create(
            user=user, full_name=data["full_name"], organisation=data["organisation"], role=data["role"],
            country=data["country"], language=data["language"], accepted_terms=data["accept_terms"],
        )
