"""The sign-up form with an unticked "also send me the newsletter" box (ACCOUNT_SIGNUP_FORM_CLASS)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from newsreel.accounts.signup import ProfileSignupForm
from newsreel.newsletter.models import Topic
from newsreel.newsletter.subscriptions import subscription_request


class SignupWithNewsletterForm(ProfileSignupForm):
    newsletter = forms.BooleanField(
        label=_("Also send me the newsletter (we will e-mail you a link to confirm)"), required=False,
        initial=False)

    def signup(self, request: HttpRequest, user: User) -> None:
        super().signup(request, user)
        if self.cleaned_data.get("newsletter") and user.email:
            # Double opt-in as for anyone else: confirming the account's address is a different consent.
            subscription_request(email=user.email, language=self.cleaned_data["language"],
                                 topics=Topic.objects.filter(active=True), user=user)
