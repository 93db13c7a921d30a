"""The machine face: REST API, feeds, NewsML-G2 and oEmbed, mounted under /api/ by newsreel/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from newsreel.api.oembed import oembed

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("newsml/", include("newsreel.api.newsml.urls")),
    path("oembed", oembed, name="oembed"),
]
