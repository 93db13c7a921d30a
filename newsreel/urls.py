from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from newsreel.front import views as front
from newsreel.front.catalogue_pages import rendition_preview
from newsreel.front.sitemaps import SITEMAPS

urlpatterns = [
    path("robots.txt", front.robots_txt, name="robots"),
    path("identity.css", front.identity_css, name="identity_css"),
    path("identity/logo/<str:name>", front.identity_logo, name="identity_logo"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("preview/<int:pk>/", rendition_preview, name="preview"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("newsreel.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", front.home, name="home"),
    path("", include("newsreel.front.catalogue_urls")),
    path("", include("newsreel.front.news_urls")),
    path("", include("newsreel.downloads.urls")),
    path("accounts/api-tokens/", include("newsreel.api.page_urls")),
    path("accounts/webhooks/", include("newsreel.webhooks.urls")),
    path("accounts/", include("newsreel.accounts.urls")),
    path("newsletter/", include("newsreel.newsletter.urls")),
    path("", include("newsreel.search.urls")),
    path("feeds/", include("newsreel.api.feeds.urls")),
    prefix_default_language=True,
)

# Failures before a view (middleware, Host header, size limits) answer API paths with the API's error body.
handler400 = "newsreel.api.fallback.bad_request"
handler403 = "newsreel.api.fallback.permission_denied"
handler404 = "newsreel.api.fallback.page_not_found"
handler500 = "newsreel.api.fallback.server_error"
