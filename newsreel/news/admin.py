from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from newsreel.lib.admin import EngineSearchMixin, OneUnitChangeForm
from newsreel.lib.formfields import BOUNDED_MANY_TO_MANY
from newsreel.news.models import Article


@admin.register(Article)
class ArticleAdmin(OneUnitChangeForm, EngineSearchMixin, admin.ModelAdmin[Article]):
    formfield_overrides = BOUNDED_MANY_TO_MANY
    search_kind = "article"
    list_display = ["title_en", "title_fr", "type", "status", "publish_at", "reference"]
    list_filter = ["type", "status", ("publish_at", admin.DateFieldListFilter)]
    search_fields = ["title_en", "title_fr", "summary_en", "summary_fr", "reference", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["related_items"]
    fieldsets = [
        (None, {"fields": ["slug", "type", "reference", "status", "publish_at", "event"]}),
        (_("English"), {"fields": ["title_en", "summary_en", "body_en", "withdrawn_note_en"]}),
        (_("French"), {"fields": ["title_fr", "summary_fr", "body_fr", "withdrawn_note_fr"]}),
        (_("Media"), {"fields": ["related_items"]}),
    ]
