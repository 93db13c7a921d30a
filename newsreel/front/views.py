from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from newsreel.catalogue.models import Item, Kind
from newsreel.news.models import Article


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    items = Item.objects.visible().for_listing().prefetch_related("renditions")
    return render(request, "front/home.html", {
        "news": Article.objects.visible().order_by("-publish_at")[:6],
        "videos": items.filter(kind=Kind.VIDEO)[:6],
        "photos": items.filter(kind=Kind.PHOTO)[:8],
        "audio": items.filter(kind=Kind.AUDIO)[:4],
    })


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /en/accounts/",
        "Disallow: /fr/accounts/",
        "Disallow: /download/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
