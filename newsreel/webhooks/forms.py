from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from newsreel.newsletter.models import SavedSearch
from newsreel.webhooks.addresses import MAX_URL_LENGTH
from newsreel.webhooks.services import check_endpoint_url


class EndpointForm(forms.Form):
    url = forms.CharField(label=_("Address that receives the notifications"), max_length=MAX_URL_LENGTH,
                          widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "url"}),
                          help_text=_("An https:// address on the internet of a system you run. Each "
                                      "notification is a signed POST request with a JSON body."))
    saved_search = forms.ModelChoiceField(
        label=_("What to send"), queryset=SavedSearch.objects.none(), required=False,
        empty_label=_("Everything newly published"),
        help_text=_("Or only what matches one of your saved searches."))
    description = forms.CharField(label=_("Note (for you)"), max_length=200, required=False)

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["saved_search"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = SavedSearch.objects.filter(user=owner).order_by("name")

    def clean_url(self) -> str:
        return check_endpoint_url(self.cleaned_data["url"])
