"""NewsML-G2 documents over HTTP: /api/newsml/items/<reference>.xml and /api/newsml/articles/<slug>.xml.

The same visibility as the pages: a draft or embargoed item is not found (404); a withdrawn one answers 410
with pubStatus canceled, as an agency tells its clients to take a story down.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from newsreel.api.newsml.articles import article_newsml
from newsreel.api.newsml.document import CONTENT_TYPE
from newsreel.api.newsml.items import item_newsml
from newsreel.catalogue.models import Item
from newsreel.news.models import Article


@require_safe
def item_document(request: HttpRequest, reference: str) -> HttpResponse:
    item = get_object_or_404(
        Item.objects.reachable().select_related("event").prefetch_related("renditions", "shots", "tags", "people"),
        reference=reference)
    return HttpResponse(item_newsml(item=item, request=request), content_type=CONTENT_TYPE,
                        status=410 if item.is_withdrawn else 200)


@require_safe
def article_document(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.reachable().select_related("event"), slug=slug)
    return HttpResponse(article_newsml(article=article, request=request), content_type=CONTENT_TYPE,
                        status=410 if article.is_withdrawn else 200)
