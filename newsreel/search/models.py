"""The search index: one row per item or article, written in the same transaction as the content it describes.

The row keeps the columns that filters, ranking and facets need, so a search reads no content table until it
loads the page's objects; its normalised text (see text.py) is in SearchText. Status and publish time are
copied so visibility is decided at query time (an embargo lifts by itself). The full-text structures are
backend-specific and live in the migrations (0002, 0003): an FTS5 table over SearchText kept in step by SQLite
triggers, or a tsvector column on this row, kept by a trigger on SearchText, with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from django.db import models

from newsreel.catalogue.models import Event, Item
from newsreel.news.models import Article


class SearchDocument(models.Model):
    item = models.OneToOneField(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="search_document")
    article = models.OneToOneField(Article, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="search_document")
    kind = models.CharField(max_length=8)  # video, photo, audio or article
    subtype = models.CharField(max_length=16, blank=True)  # article type (press release, ...)
    status = models.CharField(max_length=12)
    publish_at = models.DateTimeField()
    shot_on = models.DateField(null=True, blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    location = models.CharField(max_length=200, blank=True)
    has_shotlist = models.BooleanField(default=False)
    has_captions = models.BooleanField(default=False)  # published captions (search/caption_lines.py)
    has_en = models.BooleanField(default=False)
    has_fr = models.BooleanField(default=False)
    # Short " term term | term " strings that ranking looks into: titles, and tags/people/event/location.
    title_key = models.TextField(blank=True)
    meta_key = models.TextField(blank=True)
    # The item's tag and people ids ("3 17"), so facet counts need no join with the many-to-many tables.
    tag_ids = models.TextField(blank=True, default="")
    person_ids = models.TextField(blank=True, default="")

    class Meta:
        db_table = "search_document"
        indexes = [
            models.Index(fields=["publish_at", "status", "kind"], name="search_doc_browse"),
            models.Index(fields=["kind", "publish_at"], name="search_doc_kind"),
            models.Index(fields=["event", "publish_at"], name="search_doc_event"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=False, article__isnull=True)
                | models.Q(item__isnull=True, article__isnull=False),
                name="search_document_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id or self.article_id}"


class SearchText(models.Model):
    """The searchable text of a document, apart so filtering, ranking and facets only touch narrow rows.

    Columns: English stems, French stems, every folded word (exact words, names, prefixes), and flags: terms
    for the engine only, such as the publication year (see backends.py), never matched against what users type.
    """

    document = models.OneToOneField(SearchDocument, primary_key=True, on_delete=models.CASCADE, related_name="text")
    en = models.TextField(blank=True)
    fr = models.TextField(blank=True)
    words = models.TextField(blank=True)
    flags = models.TextField(blank=True, default="")

    class Meta:
        db_table = "search_text"

    def __str__(self) -> str:
        return f"text of {self.document_id}"
