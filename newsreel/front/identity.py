"""The institution's identity for every page: settings overridden by the SiteIdentity row, kept in the cache.

Pages read it through `current_identity()`; in steady state that is one cache hit and no query. Saving the
identity or a footer link clears the entry (front/models.py), and the stylesheet's version changes with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.templatetags.static import static
from django.urls import reverse

CACHE_KEY = "newsreel:identity:v1"
DEFAULT_LOGO = "newsreel/logo.svg"
DEFAULT_LOGO_SIZE = (40, 40)
LOGO_HEIGHT = 40  # CSS pixels in the header; the width follows the image's ratio


@dataclass(frozen=True)
class Link:
    label_en: str
    label_fr: str
    url: str

    def label(self, lang: str) -> str:
        return self.label_fr if lang == "fr" else self.label_en


@dataclass(frozen=True)
class Identity:
    name_en: str
    name_fr: str
    short_name: str
    colour: str
    logo_url: str
    logo_width: int
    logo_height: int
    footer_links: tuple[Link, ...]

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en

    @property
    def css(self) -> str:
        dark = "#" + "".join(f"{int(int(self.colour[i:i + 2], 16) * 0.55):02x}" for i in (1, 3, 5))
        return f":root{{--brand:{self.colour};--brand-contrast:#fff;--brand-dark:{dark}}}\n"

    @property
    def version(self) -> str:
        """Changes with the stylesheet (its URL carries it)."""
        return hashlib.sha256(self.css.encode()).hexdigest()[:12]

    @property
    def fingerprint(self) -> str:
        """Changes with anything shown: the keys of the header and footer fragments carry it."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:12]


def _from_settings_and_row() -> Identity:
    from newsreel.front.models import SiteIdentity

    row = SiteIdentity.objects.filter(pk=1).first()
    links: tuple[Link, ...] = tuple(Link(*entry) for entry in settings.NEWSREEL_FOOTER_LINKS)
    logo_url, (width, height) = static(DEFAULT_LOGO), DEFAULT_LOGO_SIZE
    if row is None:
        return Identity(settings.SITE_NAME, settings.NEWSREEL_SITE_NAME_FR, settings.NEWSREEL_SHORT_NAME,
                        settings.NEWSREEL_BRAND_COLOUR, logo_url, width, height, links)
    row_links = tuple(Link(link.label_en, link.label_fr, link.url) for link in row.footer_links.all())
    if row.logo and row.logo_width and row.logo_height:
        # Served by front.views.identity_logo: uploads under MEDIA_ROOT have no public URL of their own.
        logo_url = reverse("identity_logo", args=[Path(str(row.logo.name)).name])
        width, height = max(1, round(LOGO_HEIGHT * row.logo_width / row.logo_height)), LOGO_HEIGHT
    name_en = row.name_en or settings.SITE_NAME
    return Identity(
        name_en=name_en,
        name_fr=row.name_fr or (settings.NEWSREEL_SITE_NAME_FR if not row.name_en else name_en),
        short_name=row.short_name or (settings.NEWSREEL_SHORT_NAME if not row.name_en else name_en),
        colour=row.brand_colour or settings.NEWSREEL_BRAND_COLOUR,
        logo_url=logo_url, logo_width=width, logo_height=height,
        footer_links=row_links or links,
    )


def current_identity() -> Identity:
    identity = cache.get(CACHE_KEY)
    if identity is None:
        identity = _from_settings_and_row()
        cache.set(CACHE_KEY, identity, None)
    return identity


def forget_identity() -> None:
    cache.delete(CACHE_KEY)
