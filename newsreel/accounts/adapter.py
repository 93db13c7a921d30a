"""allauth adapter: strict `next` handling, e-mails in the recipient's language, name-aware password checks."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from newsreel.accounts.models import Profile
from newsreel.accounts.redirects import is_safe_next


def recipient_language(email: str) -> str:
    """The preferred language of the account using this address, else the language of the current page."""
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        profile = Profile.objects.filter(user_id=address.user_id).only("language").first()
        if profile is not None:
            return profile.language
    return (translation.get_language() or "en")[:2]


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url: str | None) -> bool:
        return is_safe_next(url)

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        # The home page in the language of the page signed out from (the URL's prefix): a bare "/" would be
        # sent by the locale middleware to the browser's language. A safe `next` still wins (allauth's view).
        return reverse("home")

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        with translation.override(recipient_language(email)):
            super().send_mail(template_prefix, email, context)

    def clean_password(self, password: str, user: AbstractBaseUser | None = None) -> str:
        request = getattr(self, "request", None)
        if user is not None and user.pk is None and request is not None and request.method == "POST":
            # At sign-up allauth checks the password against a throw-away user holding only the e-mail;
            # lend it the name typed in the same form so "too close to your name" works there too.
            user.first_name = str(request.POST.get("full_name", ""))[:150]  # type: ignore[attr-defined]
        return super().clean_password(password, user)
