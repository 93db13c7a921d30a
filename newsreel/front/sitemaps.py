from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from newsreel.catalogue.models import Event, Item
from newsreel.news.models import Article


class _Bilingual(Sitemap[Any]):
    i18n = True
    alternates = True
    x_default = True
    limit = 5000


class ItemSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self) -> Any:
        return Item.objects.visible().order_by("-publish_at", "-id")

    def lastmod(self, obj: Item) -> Any:
        return obj.updated_at


class ArticleSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self) -> Any:
        return Article.objects.visible().order_by("-publish_at", "-id")

    def lastmod(self, obj: Article) -> Any:
        return obj.updated_at


class EventSitemap(_Bilingual):
    def items(self) -> Any:
        return Event.objects.all()


class PageSitemap(_Bilingual):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["home", "news:list", "catalogue:list", "catalogue:events"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "news": ArticleSitemap, "media": ItemSitemap, "events": EventSitemap}
