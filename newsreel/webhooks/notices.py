"""The owner's notice when an endpoint is disabled after repeated failures, in their preferred language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from newsreel.lib.site_name import site_name
from newsreel.newsletter.mail import absolute
from newsreel.webhooks.models import Endpoint


def owner_language(endpoint: Endpoint) -> str:
    profile = getattr(endpoint.owner, "profile", None)
    return getattr(profile, "language", "") or "en"


def disabled_notice(*, endpoint: Endpoint) -> EmailMultiAlternatives:
    with translation.override(owner_language(endpoint)):
        site = site_name(translation.get_language() or "en")
        context = {"endpoint": endpoint, "SITE_NAME": site,
                   "manage_url": absolute(reverse("webhooks:endpoint", args=[endpoint.pk])),
                   "limit": settings.NEWSREEL_WEBHOOKS_DISABLE_AFTER}
        subject = _("Webhook disabled after repeated failures")
        return EmailMultiAlternatives(
            subject=f"{subject} · {site}",
            body=render_to_string("webhooks/email/disabled.txt", context), to=[endpoint.owner.email],
            from_email=settings.DEFAULT_FROM_EMAIL, headers={"Auto-Submitted": "auto-generated"})
