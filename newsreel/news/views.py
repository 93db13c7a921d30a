from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from newsreel.front.paging import paginate
from newsreel.news.models import Article, ArticleType


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")
    articles = Article.objects.visible().order_by("-publish_at", "-id")
    if kind in ArticleType.values:
        articles = articles.filter(type=kind)
    else:
        kind = ""
    return render(request, "news/article_list.html", {
        "page": paginate(request, articles), "kind": kind, "types": ArticleType.choices,
    })


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.reachable().select_related("event"), slug=slug)
    if article.is_withdrawn:
        return render(request, "news/withdrawn.html", {"article": article}, status=410)
    media = article.related_items.visible().prefetch_related("renditions")
    return render(request, "news/article_detail.html", {"article": article, "media": media})
