"""Media professionals' profiles and the versioned terms of use they accept before downloading."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsreel.publishing import Localized, localized


class MediaRole(models.TextChoices):
    JOURNALIST = "journalist", _("Journalist")
    BROADCASTER = "broadcaster", _("Broadcaster")
    PHOTOGRAPHER = "photographer", _("Photographer")
    PRODUCER = "producer", _("Producer")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.CharField(_("organisation or media outlet"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=MediaRole.choices)
    country = models.CharField(_("country"), max_length=100)
    language = models.CharField(_("preferred language"), max_length=2, choices=Language.choices,
                                default=Language.EN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organisation})"


class TermsVersionQuerySet(models.QuerySet["TermsVersion"]):
    def in_force(self, now: Any = None) -> TermsVersionQuerySet:
        return self.filter(published_at__lte=now or timezone.now())


class TermsVersion(models.Model):
    """One version of the terms of use. The latest one whose publication time has passed is in force."""

    version = models.CharField(_("version"), max_length=30, unique=True, help_text=_("e.g. 2026-11"))
    text_en = models.TextField(_("text (EN)"))
    text_fr = models.TextField(_("text (FR)"))
    published_at = models.DateTimeField(
        _("in force from"), default=timezone.now,
        help_text=_("From this time every user accepts this version again before the next download."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TermsVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("terms of use version")
        verbose_name_plural = _("terms of use versions")

    def __str__(self) -> str:
        return self.version

    @property
    def text(self) -> Localized:
        return localized(self, "text")

    @classmethod
    def current(cls) -> TermsVersion | None:
        return cls.objects.in_force().first()


class TermsAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms_acceptances")
    terms = models.ForeignKey(TermsVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        constraints = [models.UniqueConstraint(fields=["user", "terms"], name="accept_each_version_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.terms}"
