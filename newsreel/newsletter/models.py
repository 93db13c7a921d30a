"""Subscribers (double opt-in), editorial issues with one delivery row per recipient, saved-search alerts."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsreel.catalogue.models import Item
from newsreel.news.models import Article
from newsreel.publishing import Localized, localized

LANGUAGE_CHOICES = [("en", "English"), ("fr", "Français")]


def new_key() -> str:
    return secrets.token_urlsafe(18)


class Topic(models.Model):
    """What a subscriber may choose to hear about: news, videos, photos, or a theme an editor defines."""

    slug = models.SlugField(unique=True, max_length=60)
    name_en = models.CharField(_("name (EN)"), max_length=100)
    name_fr = models.CharField(_("name (FR)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered on the subscribe page"), default=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> Localized:
        return localized(self, "name")


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    ACTIVE = "active", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    SUSPENDED = "suspended", _("Suspended (address bounces)")


class Subscriber(models.Model):
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="subscribers")
    status = models.CharField(_("status"), max_length=12, choices=SubscriberStatus.choices,
                              default=SubscriberStatus.PENDING, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="newsletter_subscriptions")
    # Part of every signed link: changing it revokes all links already sent to this address.
    key = models.CharField(max_length=32, default=new_key, editable=False)
    hard_bounces = models.PositiveSmallIntegerField(_("hard bounces in a row"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return self.email

    @property
    def receives_mail(self) -> bool:
        return self.status == SubscriberStatus.ACTIVE


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class Issue(models.Model):
    """One newsletter as editors compose it; what each subscriber got is in its deliveries."""

    subject_en = models.CharField(_("subject (EN)"), max_length=200)
    subject_fr = models.CharField(_("subject (FR)"), max_length=200, blank=True)
    intro_en = models.TextField(_("introduction (EN)"), blank=True, help_text=_("Plain text; blank lines "
                                                                               "separate paragraphs."))
    intro_fr = models.TextField(_("introduction (FR)"), blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="issues",
                                    help_text=_("Sent to subscribers of any of these topics; leave empty to "
                                                "send to every subscriber."))
    articles = models.ManyToManyField(Article, verbose_name=_("articles"), blank=True, related_name="+")
    items = models.ManyToManyField(Item, verbose_name=_("media items"), blank=True, related_name="+")
    fill_since_last = models.BooleanField(
        _("add everything published since the last issue"), default=False,
        help_text=_("Chosen when the issue is sent: articles and media published since the previous issue."))
    status = models.CharField(_("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT,
                              db_index=True)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")

    def __str__(self) -> str:
        return self.subject_en

    def subject(self, lang: str) -> str:
        return localized(self, "subject", lang).text

    def intro(self, lang: str) -> str:
        return localized(self, "intro", lang).text

    def content_moment(self) -> datetime:
        """When visibility is judged: the start of sending, so every batch of an issue mails the same contents
        (and anything drafted or withdrawn meanwhile drops out of later batches); now, before it is sent."""
        return self.started_at or timezone.now()

    def public_contents(self) -> tuple[list[Article], list[Item]]:
        """The attached articles and items subscribers may receive: those the public can see."""
        at = self.content_moment()
        return (list(self.articles.visible(at).order_by("-publish_at")),
                list(self.items.visible(at).prefetch_related("renditions").order_by("-publish_at")))

    def withheld_contents(self) -> tuple[list[Article], list[Item]]:
        """Attached but not public (draft, embargoed, withdrawn): never mailed, named to the editor."""
        at = self.content_moment()
        return (list(self.articles.exclude(pk__in=self.articles.visible(at).values("pk")).order_by("-publish_at")),
                list(self.items.exclude(pk__in=self.items.visible(at).values("pk")).order_by("-publish_at")))

    def figures(self) -> dict[str, int]:
        """Delivery counts for the back office: sent, failed, suspended, pending, uncertain."""
        counts: dict[str, Any] = self.deliveries.aggregate(
            sent=Count("id", filter=Q(status=DeliveryStatus.SENT)),
            failed=Count("id", filter=Q(status=DeliveryStatus.FAILED)),
            suspended=Count("id", filter=Q(status=DeliveryStatus.SKIPPED)),
            pending=Count("id", filter=Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.CLAIMED,
                                                      DeliveryStatus.DEFERRED])),
            uncertain=Count("id", filter=Q(status=DeliveryStatus.UNCERTAIN)),
            total=Count("id"),
        )
        return {key: int(value or 0) for key, value in counts.items()}


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLAIMED = "claimed", _("Being sent")
    DEFERRED = "deferred", _("Temporary failure, will retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent: address suspended or unsubscribed")
    UNCERTAIN = "uncertain", _("Uncertain: the worker stopped while sending")


class Delivery(models.Model):
    """One issue to one subscriber. The unique pair is what makes "never twice" hold across workers."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    claim = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery_per_subscriber")]
        indexes = [models.Index(fields=["issue", "status"]), models.Index(fields=["claim"])]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}: {self.status}"


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("As soon as something new matches")
    DAILY = "daily", _("Once a day")
    WEEKLY = "weekly", _("Once a week")


class SavedSearch(models.Model):
    """A signed-in user's search (the search page's query string) with e-mail alerts for new matches."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=120)
    query = models.CharField(_("search"), max_length=1000, help_text=_("The search page's query string."))
    frequency = models.CharField(_("alerts"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    active = models.BooleanField(_("alerts on"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # New matches are those that became visible after this moment and were not alerted before.
    checked_until = models.DateTimeField(default=timezone.now)
    next_run_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["user", "name"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name


class AlertHit(models.Model):
    """Something a saved search already alerted about: never alert twice about the same thing."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    key = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["saved_search", "key"], name="one_alert_per_match")]

    def __str__(self) -> str:
        return f"{self.saved_search_id}: {self.key}"
