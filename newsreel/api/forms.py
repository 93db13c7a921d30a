from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from newsreel.api.models import Scope
from newsreel.api.tokens import allowed_scopes


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. “Newsroom ingest script”."))
    scopes = forms.MultipleChoiceField(label=_("Also allow"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = [(scope, Scope(scope).label) for scope in allowed_scopes(user)
                                         if scope != Scope.READ]
