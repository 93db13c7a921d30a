"""The machine face: REST API, feeds, NewsML-G2 and oEmbed, mounted under /api/ by newsreel/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from newsreel.api.v1 import api

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", api.urls),
]
