from django.urls import path

from newsreel.downloads import caption_views, views

app_name = "downloads"
urlpatterns = [
    path("download/<int:pk>/", views.download_rendition, name="file"),
    path("download/item/<str:reference>/metadata.txt", views.item_sidecar_view, name="sidecar"),
    path("download/item/<str:reference>/captions/<slug:language>.srt", caption_views.item_captions, {"kind": "srt"},
         name="captions_srt"),
    path("download/item/<str:reference>/captions/<slug:language>.vtt", caption_views.item_captions, {"kind": "vtt"},
         name="captions_vtt"),
    path("captions/<str:reference>/<slug:language>.vtt", caption_views.caption_track, name="captions_track"),
    path("download/item/<str:reference>/photos.zip", views.item_photos_zip, name="item_zip"),
    path("download/event/<slug:slug>/photos.zip", views.event_photos_zip, name="event_zip"),
    path("download/clip/<str:reference>/", views.clip_create, name="clip"),
    path("download/clips/<int:pk>/", views.clip_status, name="clip_status"),
    path("download/clips/<int:pk>/status.json", views.clip_status_json, name="clip_status_json"),
    path("download/clips/<int:pk>/file", views.clip_file, name="clip_file"),
    path("accounts/downloads/", views.my_downloads, name="history"),
]
