"""/articles: news, press releases and statements, in both languages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from newsreel.api.errors import ApiError, not_found, with_errors
from newsreel.api.finding import ArticleFilters, find, params_of, results
from newsreel.api.pagination import CURSOR, DEFAULT_LIMIT, MAX_LIMIT, next_url
from newsreel.api.representations import article_out
from newsreel.api.schemas import ArticleOut, ArticlePage
from newsreel.news.models import Article

router = Router(tags=["articles"])


@router.get("", response=with_errors({200: ArticlePage}), summary="Articles", operation_id="article_list")
def article_list(request: HttpRequest, filters: Query[ArticleFilters],
                 cursor: str | None = Query(None, max_length=1000, pattern=CURSOR),
                 limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)) -> Any:
    """Published articles, newest first (or `sort=oldest`), with the news page's filters."""
    found = find(params_of(filters, type=["article"]), cursor=cursor, limit=limit, scope="articles")
    return {"results": results(request, found), "next_cursor": found.next_cursor,
            "next": next_url(request, found.next_cursor), "unknown_filters": found.unknown}


@router.get("/{slug}", response=with_errors({200: ArticleOut}, 410), summary="An article",
            operation_id="article_detail")
def article_detail(request: HttpRequest, slug: str = Path(..., max_length=150, pattern=r"^[-a-zA-Z0-9_]+$")) -> Any:
    """One article as its page shows it: drafts and embargoed articles are not found, withdrawn ones gone (410)."""
    article = Article.objects.reachable().select_related("event").filter(slug=slug).first()
    if article is None:
        raise not_found(_("No such article."))
    if article.is_withdrawn:
        raise ApiError(410, "withdrawn", _("This article was withdrawn."))
    return article_out(request, article)
