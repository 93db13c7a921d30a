from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from newsreel.lib.formfields import BoundedModelMultipleChoiceField
from newsreel.newsletter.models import LANGUAGE_CHOICES, SavedSearch, Topic
from newsreel.newsletter.tokens import form_token, form_token_age, human_token_age
from newsreel.search.params import SearchParams

MAX_FORM_AGE = 24 * 3600


class TopicsField(BoundedModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    topics = TopicsField(label=_("Topics"), queryset=Topic.objects.filter(active=True), required=False)


class SubscribeForm(PreferencesForm):
    """The subscribe form, with two traps for robots instead of a third-party captcha.

    `website` is hidden from people (CSS and aria-hidden) and left empty by them; `token` is signed with the
    time the form was served, and a human takes a few seconds to fill the form in.
    """

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    field_order = ["email", "language", "topics"]
    website = forms.CharField(required=False, label=_("Leave this empty"))
    token = forms.CharField(widget=forms.HiddenInput)
    # Set by the "please confirm you want to subscribe" page that a tripped trap leads to.
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", form_token())
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def looks_automated(self) -> bool:
        """Call after is_valid(): True for a filled honeypot or a form token that is forged, too young or old,
        unless the person has since pressed the button of the confirmation page."""
        confirmed = human_token_age(self.cleaned_data.get("confirmed", ""))
        if confirmed is not None and 0 <= confirmed <= MAX_FORM_AGE:
            return False
        if self.cleaned_data.get("website"):
            return True
        age = form_token_age(self.cleaned_data.get("token", ""))
        return age is None or age < settings.NEWSLETTER_FORM_MIN_SECONDS or age > MAX_FORM_AGE


class SavedSearchForm(forms.ModelForm[SavedSearch]):
    class Meta:
        model = SavedSearch
        fields = ["name", "query", "frequency", "language"]
        widgets = {"query": forms.HiddenInput, "frequency": forms.RadioSelect}

    def clean_query(self) -> str:
        # Stored as the search page would write it back: only known parameters, each value cleaned (a NUL can
        # hide percent-encoded inside this query string, where the request boundary cannot see it).
        raw = str(self.cleaned_data["query"]).lstrip("?")
        return SearchParams.from_query(QueryDict(raw)).query_string(page=1)[:1000]

