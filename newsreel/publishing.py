"""What every published thing shares: bilingual text with visible fallback, and status with embargo.

Visibility is computed from the clock at query time, so an embargoed item appears by itself when its
publish-at time passes: no task has to flip a flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from newsreel.lib.changes import SignalledUpdates

LANGS = ("en", "fr")


@dataclass(frozen=True)
class Localized:
    """A text in the reader's language, or in the other language with `fallback` set so pages can say so."""

    text: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def current_lang() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in LANGS else "en"


def localized(obj: Any, field: str, lang: str | None = None) -> Localized:
    lang = lang or current_lang()
    order = [lang] + [other for other in LANGS if other != lang]
    for candidate in order:
        text = getattr(obj, f"{field}_{candidate}", "") or ""
        if text.strip():
            return Localized(text, candidate, candidate != lang)
    return Localized("", lang, False)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PublishableQuerySet(SignalledUpdates):
    def visible(self, now: Any = None) -> Self:
        """Published, or scheduled with the embargo passed: what the public may see and list."""
        now = now or timezone.now()
        return self.filter(status__in=[Status.PUBLISHED, Status.SCHEDULED], publish_at__lte=now)

    def reachable(self, now: Any = None) -> Self:
        """Visible or withdrawn: a withdrawn page still answers, to say it was withdrawn."""
        now = now or timezone.now()
        return self.filter(
            status__in=[Status.PUBLISHED, Status.SCHEDULED, Status.WITHDRAWN], publish_at__lte=now
        )


class Publishable(models.Model):
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    publish_at = models.DateTimeField(
        _("publish at"), default=timezone.now, db_index=True,
        help_text=_("Embargo: the content appears by itself at this time when scheduled or published."),
    )
    withdrawn_note_en = models.CharField(_("withdrawal note (EN)"), max_length=300, blank=True)
    withdrawn_note_fr = models.CharField(_("withdrawal note (FR)"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def is_visible(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.status in (Status.PUBLISHED, Status.SCHEDULED) and self.publish_at <= now

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    def tr(self, field: str) -> Localized:
        return localized(self, field)

    @property
    def title(self) -> Localized:
        return localized(self, "title")

    @property
    def summary(self) -> Localized:
        return localized(self, "summary")

    @property
    def withdrawn_note(self) -> Localized:
        return localized(self, "withdrawn_note")
