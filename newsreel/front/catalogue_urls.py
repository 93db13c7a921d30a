from django.urls import path

from newsreel.front import catalogue_pages as views
from newsreel.front.embed_pages import item_embed

app_name = "catalogue"
urlpatterns = [
    path("media/", views.media_list, name="list"),
    path("media/<str:reference>/", views.item_detail, name="item"),
    path("media/<str:reference>/embed/", item_embed, name="embed"),
    path("events/", views.event_list, name="events"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
]
