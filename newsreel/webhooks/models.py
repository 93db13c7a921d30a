"""Webhook endpoints (a URL, a secret, all new content or one saved search), their deliveries and each attempt."""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsreel.newsletter.models import SavedSearch

SECRET_PREFIX = "whsec_"  # noqa: S105 - a label that says what the value is, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class Endpoint(models.Model):
    """A URL that receives a signed POST for each item or article that becomes public (and matches)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                              related_name="webhook_endpoints",
                              help_text=_("Receives the notices about this endpoint (disabled after failures)."))
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    saved_search = models.ForeignKey(
        SavedSearch, verbose_name=_("saved search"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        help_text=_("Only what matches this search is sent; leave empty for everything newly published."))
    secret = models.CharField(_("signing secret"), max_length=80, default=new_secret)
    # After a rotation the old secret still signs (as a second v1 value) for a grace period, so receivers can
    # switch without losing deliveries.
    previous_secret = models.CharField(max_length=80, blank=True, default="")
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failed attempts in a row"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # New content is what became visible after this moment (the scan's window, as for saved-search alerts).
    checked_until = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def signing_secrets(self, now: datetime | None = None) -> list[str]:
        now = now or timezone.now()
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > now:
            return [self.secret, self.previous_secret]
        return [self.secret]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event to one endpoint. The unique pair (endpoint, key) is what makes "once per item" hold."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    uid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=40)  # "item:12", "article:7"
    event = models.CharField(_("event"), max_length=40)
    body = models.TextField(_("body"))  # the JSON sent, fixed when the delivery is made: every attempt sends it
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["endpoint", "key"], name="one_webhook_delivery_per_event")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} {self.key} → {self.endpoint_id}"

    def title(self, lang: str) -> str:
        """The title of what the delivery announces, for the log (from the body that was sent)."""
        try:
            titles = json.loads(self.body).get("data", {}).get("title") or {}
        except (ValueError, AttributeError):
            return ""
        if not isinstance(titles, dict):
            return ""
        return str(titles.get(lang) or next((t for t in titles.values() if t), ""))


class Attempt(models.Model):
    """One POST of a delivery: what came back, or what went wrong, for the owner's and the staff's log."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField(_("time"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.started_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


class Appearance(models.Model):
    """A save that made something public: created published, or its status changed to published or scheduled.

    The scan's window finds what became visible by its publish-at time passing; this is the other way in (a
    draft, dated when it was written, published today; withdrawn content published again). It is what tells
    such a publication from an edit of something long public, which must not be announced as new."""

    key = models.CharField(max_length=40)  # "item:12", "article:7"
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self) -> str:
        return f"{self.key} at {self.at:%Y-%m-%d %H:%M:%S}"
