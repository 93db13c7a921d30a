"""The institution's identity: settings by default, the back office's SiteIdentity over them, cached."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from newsreel.env import ConfigError, check_brand_colour, env_colour
from newsreel.front.identity import current_identity
from newsreel.front.models import FooterLink, SiteIdentity, validate_logo
from tests.factories import sign_in_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "Str0ng!Passw0rd#")
    return sign_in_staff(client, user)  # the back office needs a second factor


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _css_url(html: str) -> str:
    match = re.search(r'<link rel="stylesheet" href="(/identity\.css\?v=[0-9a-f]+)">', html)
    assert match, "the identity stylesheet is linked"
    return match.group(1)


def test_settings_default_shows_on_the_home_page(client, settings):
    settings.SITE_NAME = "Alliance Media"
    settings.NEWSREEL_SITE_NAME_FR = "Médias de l'Alliance"
    settings.NEWSREEL_SHORT_NAME = "Alliance"
    settings.NEWSREEL_FOOTER_LINKS = [("Contact", "Contact", "https://example.org/contact")]
    html = client.get("/en/").content.decode()
    assert "<title>" in html and "Alliance Media" in html
    assert '<span class="brand-name">Alliance</span>' in html
    assert re.search(r'src="/static/newsreel/logo\.[0-9a-f]{12}\.svg" width="40" height="40" alt=""', html)
    assert '<a href="https://example.org/contact">Contact</a>' in html
    assert "Médias de l&#x27;Alliance" in client.get("/fr/").content.decode()
    css = client.get(_css_url(html))
    assert css["Content-Type"].startswith("text/css")
    assert css["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "--brand:#0b4f9c" in css.content.decode()


def test_steady_state_pages_read_the_identity_without_a_query(client):
    client.get("/en/")
    current_identity()
    with CaptureQueriesContext(connection) as queries:
        current_identity()
    assert len(queries) == 0


def test_back_office_override_changes_the_page_and_the_stylesheet(admin_client):
    html = admin_client.get("/en/").content.decode()
    old_css = _css_url(html)
    response = admin_client.post("/admin/front/siteidentity/add/", {
        "name_en": "Test Institution", "name_fr": "Institution d'essai", "short_name": "TI",
        "brand_colour": "#7A1F3D",
        "footer_links-TOTAL_FORMS": "1", "footer_links-INITIAL_FORMS": "0",
        "footer_links-MIN_NUM_FORMS": "0", "footer_links-MAX_NUM_FORMS": "1000",
        "footer_links-0-label_en": "Accessibility", "footer_links-0-label_fr": "Accessibilité",
        "footer_links-0-url": "/en/accessibility/", "footer_links-0-position": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SiteIdentity.objects.get().brand_colour == "#7a1f3d"
    html = admin_client.get("/en/").content.decode()
    assert "Test Institution" in html and '<span class="brand-name">TI</span>' in html
    assert '<a href="/en/accessibility/">Accessibility</a>' in html
    assert "Accessibilité" in admin_client.get("/fr/").content.decode()
    new_css = _css_url(html)
    assert new_css != old_css
    assert "--brand:#7a1f3d" in admin_client.get(new_css).content.decode()
    stale = admin_client.get(old_css)
    assert "--brand:#7a1f3d" in stale.content.decode() and stale["Cache-Control"] == "no-cache"
    # The list leads to the single row; there is no second one to add.
    assert admin_client.get("/admin/front/siteidentity/").url == "/admin/front/siteidentity/1/change/"
    assert admin_client.get("/admin/front/siteidentity/add/").status_code == 403


def test_deleting_a_footer_link_clears_the_cached_identity():
    identity = SiteIdentity.objects.create(name_en="X")
    link = FooterLink.objects.create(identity=identity, label_en="Old", label_fr="Ancien", url="/x/")
    assert [lk.label_en for lk in current_identity().footer_links] == ["Old"]
    link.delete()
    assert current_identity().footer_links == ()


@pytest.mark.parametrize("bad", ["red", "#12345", "#gggggg", "rgb(0,0,0)", "#0b4f9c;x", "#ffff00", "#777777"])
def test_bad_colour_is_refused(bad):
    with pytest.raises(ValidationError):
        SiteIdentity(brand_colour=bad).full_clean()


def test_light_colour_is_refused_with_the_contrast_in_the_message(admin_client):
    response = admin_client.post("/admin/front/siteidentity/add/", {
        "brand_colour": "#ffcc00", "footer_links-TOTAL_FORMS": "0", "footer_links-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "too light" in response.content.decode() and not SiteIdentity.objects.exists()


def test_colour_setting_is_checked_like_the_back_office(monkeypatch):
    assert check_brand_colour("#0B4F9C") == "#0b4f9c" and check_brand_colour("#000") == "#000000"
    monkeypatch.setenv("NEWSREEL_BRAND_COLOUR", "#eeeeee")
    with pytest.raises(ConfigError, match="NEWSREEL_BRAND_COLOUR"):
        env_colour("NEWSREEL_BRAND_COLOUR", "#0b4f9c")


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _png(width: int = 120, height: int = 40) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#123456").save(out, "PNG")
    return out.getvalue()


def test_svg_logo_upload_is_refused(admin_client):
    response = admin_client.post("/admin/front/siteidentity/add/", {
        "logo": SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"),
        "footer_links-TOTAL_FORMS": "0", "footer_links-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200 and not SiteIdentity.objects.exists()
    with pytest.raises(ValidationError, match="SVG"):
        validate_logo(SimpleUploadedFile("logo.png", SVG))


def test_oversized_logo_is_refused(settings):
    settings.NEWSREEL_LOGO_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="too large"):
        validate_logo(SimpleUploadedFile("logo.png", _png()))


def test_png_logo_replaces_the_mark_with_its_proportions(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = admin_client.post("/admin/front/siteidentity/add/", {
        "name_en": "Logo Test", "logo": SimpleUploadedFile("logo.png", _png(), content_type="image/png"),
        "footer_links-TOTAL_FORMS": "0", "footer_links-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    html = admin_client.get("/en/").content.decode()
    img = re.search(r'<img class="brand-logo"[^>]*>', html).group()
    assert "identity/logo" in img and 'width="120" height="40"' in img and 'alt=""' in img
    # The page's logo address answers with the image itself, to anyone, for good.
    src = re.search(r'src="([^"]+)"', img).group(1)
    client = Client()
    logo = client.get(src)
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content if logo.streaming else [logo.content]) == _png()
    assert "immutable" in logo["Cache-Control"] and logo["X-Content-Type-Options"] == "nosniff"
    assert client.get(src.replace("logo", "other")).status_code == 404


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "ftp://example.org/"])
def test_footer_link_addresses_are_paths_or_web_addresses(url):
    link = FooterLink(identity=SiteIdentity.objects.create(), label_en="x", label_fr="x", url=url, position=0)
    with pytest.raises(ValidationError):
        link.full_clean()
