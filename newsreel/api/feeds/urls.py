"""The feeds, under each language's prefix (/en/feeds/..., /fr/feeds/...): the language is in the URL, as for
the pages, so a feed never varies on Accept-Language."""

from __future__ import annotations

from django.urls import path, register_converter

from newsreel.api.feeds import views


class FeedFormat:
    regex = "rss|atom"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedFormat, "feedformat")

app_name = "feeds"
urlpatterns = [
    path("", views.feed_index, name="index"),
    path("news.<feedformat:fmt>", views.news_feed, name="news"),
    path("media.<feedformat:fmt>", views.media_feed, name="media"),
    path("media/<slug:kind>.<feedformat:fmt>", views.media_feed, name="media_kind"),
    path("events/<slug:slug>.<feedformat:fmt>", views.event_feed, name="event"),
    path("search.<feedformat:fmt>", views.search_feed, name="search"),
]
