"""An article or press release as a NewsML-G2 text newsItem: headline, summary and body in each language, and
links to its related media's own newsItems."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags
from lxml import etree

from newsreel.api.newsml.document import (
    event_subject,
    headline_and_credit,
    host,
    iso,
    item_meta,
    languages,
    root,
    serialise,
    sub,
    version_of,
)
from newsreel.lib.site_name import site_name
from newsreel.news.models import Article
from newsreel.publishing import LANGS


def article_guid(article: Article) -> str:
    return f"tag:{host()},{article.created_at.year}:newsreel:article:{article.pk}"


def article_newsml(*, article: Article, request: HttpRequest | None = None) -> bytes:
    """The article as a NewsML-G2 newsItem (UTF-8 bytes). The caller decides who may have it (visible only)."""
    doc = root(guid=article_guid(article), version=version_of(article))
    related = [(settings.SITE_URL + reverse("api:newsml_item", args=[item.reference]),
                "application/vnd.iptc.g2.newsitem+xml") for item in article.related_items.visible()]
    item_meta(doc, article, item_class="ninat:text", page_name="news:article", page_args=[article.slug],
              related=related)
    meta = sub(doc, "contentMeta")
    sub(meta, "contentCreated", iso(article.publish_at))
    sub(meta, "contentModified", iso(article.updated_at))
    if article.reference:
        sub(meta, "altId", article.reference)  # the press release number
    languages(meta, article)
    event_subject(meta, article.event)
    headline_and_credit(meta, article, site_name("en"))
    if not article.is_withdrawn:
        _bodies(sub(doc, "contentSet"), article)
    return serialise(doc)


def _bodies(content_set: etree._Element, article: Article) -> None:
    """The body in each language, as the portal stores it: HTML cleaned on save, carried as text."""
    for lang in LANGS:
        body = (getattr(article, f"body_{lang}", "") or "").strip()
        if body:
            sub(content_set, "inlineData", body, contenttype="text/html", lang=lang,
                wordcount=len(strip_tags(body).split()))
