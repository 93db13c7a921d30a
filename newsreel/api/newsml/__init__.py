"""NewsML-G2 newsItems for items and articles: `item_newsml(item=..., request=...)`, `article_newsml(...)`."""

from newsreel.api.newsml.articles import article_newsml
from newsreel.api.newsml.items import item_newsml

__all__ = ["article_newsml", "item_newsml"]
