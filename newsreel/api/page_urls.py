"""The API tokens page, under the account's pages (language-prefixed, in newsreel/urls.py)."""

from django.urls import path

from newsreel.api import pages

app_name = "api_tokens"
urlpatterns = [
    path("", pages.tokens_page, name="list"),
    path("<int:pk>/revoke/", pages.token_revoke_view, name="revoke"),
]
