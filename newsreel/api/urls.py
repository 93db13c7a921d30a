"""The machine face: REST API, feeds, NewsML-G2 and oEmbed, mounted under /api/ by newsreel/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path

from newsreel.api.v1 import api_urls, unknown_path

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", api_urls()),
    re_path(r"^v1/", unknown_path),  # anything else under v1/: the API's 404 body, not the portal's page
    path("newsml/", include("newsreel.api.newsml.urls")),
]
