"""Articles and press releases, bilingual, with the same status and embargo rules as media items."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsreel.catalogue.models import Event, Item
from newsreel.news.sanitize import clean_html
from newsreel.publishing import Localized, Publishable, PublishableQuerySet, localized


class ArticleType(models.TextChoices):
    PRESS_RELEASE = "press_release", _("Press release")
    NEWS = "news", _("News")
    STATEMENT = "statement", _("Statement")


class ArticleQuerySet(PublishableQuerySet):
    pass


class Article(Publishable):
    slug = models.SlugField(unique=True, max_length=150)
    type = models.CharField(_("type"), max_length=16, choices=ArticleType.choices, default=ArticleType.NEWS,
                            db_index=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True,
                                 help_text=_("e.g. the press release number PR/CP(2026)012"))
    title_en = models.CharField(_("title (EN)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (FR)"), max_length=300, blank=True)
    summary_en = models.TextField(_("summary (EN)"), blank=True)
    summary_fr = models.TextField(_("summary (FR)"), blank=True)
    body_en = models.TextField(_("body (EN)"), blank=True, help_text=_("HTML; cleaned on save."))
    body_fr = models.TextField(_("body (FR)"), blank=True, help_text=_("HTML; cleaned on save."))
    event = models.ForeignKey(Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="articles")
    related_items = models.ManyToManyField(Item, verbose_name=_("related media"), blank=True,
                                           related_name="articles")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["type", "status", "publish_at"])]

    def __str__(self) -> str:
        return str(self.title) or self.slug

    def clean(self) -> None:
        if not (self.title_en.strip() or self.title_fr.strip()):
            raise ValidationError(_("Give a title in English or French."))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.body_en = clean_html(self.body_en)
        self.body_fr = clean_html(self.body_fr)
        with transaction.atomic():  # post_save receivers (the search index) commit with the row, as AtomicSave
            super().save(*args, **kwargs)

    @property
    def body(self) -> Localized:
        return localized(self, "body")

    def get_absolute_url(self) -> str:
        return reverse("news:article", args=[self.slug])
