"""NewsML-G2 documents, one per item or article, in both languages (xml:lang on each text): not under a
language prefix."""

from __future__ import annotations

from django.urls import path

from newsreel.api.newsml import views

urlpatterns = [
    path("items/<str:reference>.xml", views.item_document, name="newsml_item"),
    path("articles/<slug:slug>.xml", views.article_document, name="newsml_article"),
]
