from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from PIL import Image

from newsreel.catalogue.models import Item, Kind
from newsreel.front.identity import current_identity
from newsreel.front.models import SiteIdentity
from newsreel.lib.http import serve_file
from newsreel.news.models import Article


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    items = Item.objects.visible().for_listing().prefetch_related("renditions")
    news = list(Article.objects.visible().order_by("-publish_at")[:7])
    lead = news.pop(0) if news else None
    return render(request, "front/home.html", {
        "lead": lead,
        "lead_item": _lead_picture(lead, items),
        "news": news,
        "videos": items.filter(kind=Kind.VIDEO)[:6],
        "photos": items.filter(kind=Kind.PHOTO)[:8],
        "audio": items.filter(kind=Kind.AUDIO)[:4],
    })


def _lead_picture(lead: Article | None, items: Any) -> Item | None:
    """The lead story's picture: its first related item that has a still, else the latest video's poster."""
    candidates = items.filter(articles=lead) if lead else items.none()
    for item in [*candidates[:3], *items.filter(kind=Kind.VIDEO)[:1]]:
        if item.poster:
            return item
    return None


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


# The logo validator accepts these formats only (front/models.py); the type is read from the file, not its name.
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


@require_GET
def identity_logo(request: HttpRequest, name: str) -> HttpResponse | StreamingHttpResponse:
    """The uploaded logo. Each upload gets a new file name, so a name is immutable and cached for a year."""
    row = SiteIdentity.objects.filter(pk=1).first()
    if row is None or not row.logo or Path(str(row.logo.name)).name != name:
        raise Http404
    path = Path(row.logo.path)
    try:
        with Image.open(path) as image:
            content_type = LOGO_TYPES[image.format or ""]
    except (OSError, KeyError) as exc:
        raise Http404 from exc
    return serve_file(request, path, content_type=content_type,
                      cache_control="public, max-age=31536000, immutable")


@require_GET
def identity_css(request: HttpRequest) -> HttpResponse:
    """The brand colour as CSS variables (CSP allows no inline style). Cached for good under its own version."""
    identity = current_identity()
    response = HttpResponse(identity.css, content_type="text/css; charset=utf-8")
    if request.GET.get("v") == identity.version:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "no-cache"
    return response
