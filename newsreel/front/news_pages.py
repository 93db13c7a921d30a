"""The news pages: the list of articles and press releases, and an article with its related media."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from newsreel.news.models import Article, ArticleType
from newsreel.search.views import list_page


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")
    kind = kind if kind in ArticleType.values else ""
    page = list_page(request, type=("article",), article_type=kind)
    return render(request, "news/article_list.html", {"page": page, "kind": kind, "types": ArticleType.choices})


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.reachable().select_related("event"), slug=slug)
    if article.is_withdrawn:
        return render(request, "news/withdrawn.html", {"article": article}, status=410)
    media = article.related_items.visible().prefetch_related("renditions")
    return render(request, "news/article_detail.html", {"article": article, "media": media})
