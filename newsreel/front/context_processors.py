from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url

from newsreel.front.identity import current_identity
from newsreel.front.pagecache import pages_version
from newsreel.publishing import LANGS, current_lang


def portal(request: HttpRequest) -> dict[str, Any]:
    """The institution's identity (name in this language) and the same page in each language (for the switch
    and hreflang alternates)."""
    path = request.get_full_path()
    alternates = [(lang, translate_url(path, lang)) for lang in LANGS]
    lang = current_lang()
    identity = current_identity()
    return {
        "SITE_NAME": identity.name(lang),
        "SITE_URL": settings.SITE_URL,
        "IDENTITY": identity,
        "FOOTER_LINKS": [(link.label(lang), link.url) for link in identity.footer_links],
        "lang": lang,
        "alternates": alternates,
        # Called by the template only where a fragment is cached ({% cache ... PAGES_VERSION %}).
        "PAGES_VERSION": pages_version,
    }
