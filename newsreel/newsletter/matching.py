"""The query interface alerts use: what, among things that became visible in a time window, matches a
saved search (the search page's query string).

`find_matches(query, lang=..., since=..., until=..., limit=...)` returns `Match`es, newest first. Only this
module knows how searching is done; alerts never look inside a query.

Candidates come from the window first (usually a handful of rows), then the search engine (newsreel.search)
says which of them match the saved query, with exactly the search page's rules (words in either language,
types, tags, people, events, dates...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.utils import translation

from newsreel.catalogue.models import Item
from newsreel.news.models import Article
from newsreel.newsletter.mail import absolute
from newsreel.publishing import localized

MAX_CANDIDATES = 500  # per kind of document and run; a window holds far fewer in practice


@dataclass(frozen=True)
class Match:
    key: str  # stable across runs: "item:12", "article:7"
    title: str
    url: str
    thumbnail: str
    label: str
    published_at: datetime


def became_visible(since: datetime, until: datetime) -> Q:
    # Published in the window, or published later than its embargo time (the status change bumps updated_at).
    return Q(publish_at__gt=since, publish_at__lte=until) | Q(updated_at__gt=since, publish_at__lte=until)


def new_matching_ids(query: str, *, since: datetime, until: datetime) -> tuple[set[int], set[int]]:
    """The ids of the items and of the articles that became visible in the window and match the query (the
    search page's query string; an empty one matches everything). Webhooks ask this too."""
    items = list(Item.objects.visible(until).filter(became_visible(since, until))
                 .order_by("-publish_at").values_list("pk", flat=True)[:MAX_CANDIDATES])
    articles = list(Article.objects.visible(until).filter(became_visible(since, until))
                    .order_by("-publish_at").values_list("pk", flat=True)[:MAX_CANDIDATES])
    if not items and not articles:
        return set(), set()
    return _matching_with_search(query, items, articles, until)


def find_matches(query: str, *, lang: str, since: datetime, until: datetime, limit: int = 50) -> list[Match]:
    item_ids, article_ids = new_matching_ids(query, since=since, until=until)
    if not item_ids and not article_ids:
        return []
    found_items = Item.objects.filter(pk__in=item_ids).prefetch_related("renditions")
    found_articles = Article.objects.filter(pk__in=article_ids)
    with translation.override(lang):  # links and labels in the reader's language
        found = [_item_match(i, lang) for i in found_items] + [_article_match(a, lang) for a in found_articles]
    found.sort(key=lambda m: m.published_at, reverse=True)
    return found[:limit]


def _matching_with_search(query: str, item_ids: list[int], article_ids: list[int],
                          until: datetime) -> tuple[set[int], set[int]]:
    from newsreel.search.backends import dialect
    from newsreel.search.engine import build_where
    from newsreel.search.params import SearchParams
    from newsreel.search.query import parse

    params = SearchParams.from_query(QueryDict(query))
    where = build_where(params, parse(params.q, typing=False), dialect(), now=until)
    among, args = [], []
    for column, ids in (("item_id", item_ids), ("article_id", article_ids)):
        if ids:
            among.append(f"d.{column} IN ({', '.join(['%s'] * len(ids))})")
            args += ids
    sql = (f"SELECT d.item_id, d.article_id FROM search_document d "  # noqa: S608 - fixed SQL; values are parameters
           f"WHERE {where.sql()} AND ({' OR '.join(among)})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*where.args, *args])
        rows = cursor.fetchall()
    return {r[0] for r in rows if r[0] is not None}, {r[1] for r in rows if r[1] is not None}


def _item_match(item: Item, lang: str) -> Match:
    thumb = item.thumbnail
    return Match(f"item:{item.pk}", localized(item, "title", lang).text, absolute(item.get_absolute_url()),
                 absolute(thumb.preview_url()) if thumb else "", str(item.get_kind_display()), item.publish_at)


def _article_match(article: Article, lang: str) -> Match:
    return Match(f"article:{article.pk}", localized(article, "title", lang).text,
                 absolute(article.get_absolute_url()), "", str(article.get_type_display()), article.publish_at)
