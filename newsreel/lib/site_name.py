"""The institution's name, for the parts that cannot import the pages' identity (front/identity.py).

The machine face (api) sits beside front, not above it: front hands over its reader of the identity (settings
overridden in the back office) when it is ready, as search hands the admin its matcher (lib/admin.py). Until
then, or without front, the names in the settings apply.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

_reader: list[Callable[[str], str]] = []


def use_site_name(reader: Callable[[str], str]) -> None:
    _reader[:] = [reader]


def site_name(lang: str) -> str:
    if _reader:
        return _reader[0](lang)
    return str(settings.NEWSREEL_SITE_NAME_FR if lang == "fr" else settings.SITE_NAME)
