"""NewsML-G2 newsItems for items and articles: `item_newsml(item=..., request=...)`, `article_newsml(...)`."""
