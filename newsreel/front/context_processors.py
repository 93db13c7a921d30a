from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url

from newsreel.publishing import LANGS, current_lang


def portal(request: HttpRequest) -> dict[str, Any]:
    """Site name and the same page in each language (for the switch and hreflang alternates)."""
    path = request.get_full_path()
    alternates = [(lang, translate_url(path, lang)) for lang in LANGS]
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "lang": current_lang(),
        "alternates": alternates,
    }
