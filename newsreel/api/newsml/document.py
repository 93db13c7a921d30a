"""What every NewsML-G2 newsItem of the portal shares: the root, catalogs, rights, itemMeta, bilingual text.

Built with lxml (no markup by string). The portal follows NewsML-G2 2.35, power conformance (partMeta,
used for the shotlist, is a power-conformance element); docs/feeds.md says why each choice was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from lxml import etree

from newsreel.lib.site_name import site_name
from newsreel.publishing import LANGS, Status, localized

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STANDARD_VERSION = "2.35"
IPTC_CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml"
CONTENT_TYPE = "application/vnd.iptc.g2.newsitem+xml; charset=utf-8"

# The portal's own schemes (IPTC's NewsCodes where one fits: ninat, stat, cpnat, drol, irel, timeunit). Tag URIs
# under the site's host name: stable identifiers that need no page behind them.
LOCAL_SCHEMES = ("role", "codec", "tag", "person", "event")


def host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def scheme_uri(name: str) -> str:
    return f"tag:{host()},2026:newsreel:{name}:"


def iso(moment: dt.datetime) -> str:
    """UTC, to the second, with Z: what NewsML-G2's DateTime types expect from a sender."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sub(parent: etree._Element, tag: str, text: str | None = None, /, **attrs: Any) -> etree._Element:
    """A child in the NewsML-G2 namespace; empty attributes are left out (`lang` is xml:lang)."""
    values = {(XML_LANG if name == "lang" else name): str(value) for name, value in attrs.items()
              if value not in (None, "")}
    element = etree.SubElement(parent, f"{{{NAR}}}{tag}", values)
    if text is not None:
        element.text = text
    return element


def root(*, guid: str, version: int, lang: str = "en") -> etree._Element:
    element = etree.Element(f"{{{NAR}}}newsItem", {
        "guid": guid, "version": str(max(1, version)), "standard": "NewsML-G2",
        "standardversion": STANDARD_VERSION, "conformance": "power", XML_LANG: lang,
    }, nsmap={None: NAR})
    sub(element, "catalogRef", href=IPTC_CATALOG)
    catalog = sub(element, "catalog")
    for name in LOCAL_SCHEMES:
        sub(catalog, "scheme", alias=f"nr{name}", uri=scheme_uri(name))
    return element


def version_of(obj: Any) -> int:
    """A number that grows with every change of the content (NewsML-G2's version is a positive integer that
    the sender increases): the seconds of the last change. An embargo that lifts is not a change of content."""
    return int(obj.updated_at.timestamp())


def bilingual(parent: etree._Element, tag: str, obj: Any, field: str, **attrs: Any) -> None:
    """One element per language with text in that language (no fallback: a reader of NewsML picks one)."""
    for lang in LANGS:
        text = (getattr(obj, f"{field}_{lang}", "") or "").strip()
        if text:
            sub(parent, tag, text, lang=lang, **attrs)


def names(parent: etree._Element, obj: Any, field: str = "name") -> None:
    """<name> per language (a person's name is one)."""
    if hasattr(obj, f"{field}_en"):
        bilingual(parent, "name", obj, field)
    else:
        sub(parent, "name", str(getattr(obj, field)))


def rights(parent: etree._Element, *, copyright_line: str, terms_of: Any | None) -> None:
    if not copyright_line and terms_of is None:
        return
    info = sub(parent, "rightsInfo")
    if copyright_line:
        holder = sub(info, "copyrightHolder", literal=copyright_line)
        sub(holder, "name", copyright_line)
        sub(info, "copyrightNotice", copyright_line)
    if terms_of is not None:
        bilingual(info, "usageTerms", terms_of, "terms")


def item_meta(parent: etree._Element, obj: Any, *, item_class: str, page_name: str, page_args: Iterable[str],
              related: Iterable[tuple[str, str]] = ()) -> None:
    meta = sub(parent, "itemMeta")
    sub(meta, "itemClass", qcode=item_class)
    provider = sub(meta, "provider", uri=settings.SITE_URL + "/")
    sub(provider, "name", site_name("en"))
    sub(meta, "versionCreated", iso(obj.updated_at))
    sub(meta, "firstCreated", iso(obj.created_at))
    sub(meta, "pubStatus", qcode="stat:canceled" if obj.status == Status.WITHDRAWN else "stat:usable")
    for lang in LANGS:
        with translation.override(lang):
            href = settings.SITE_URL + reverse(page_name, args=list(page_args))
        sub(meta, "link", rel="irel:seeAlso", href=href, contenttype="text/html", lang=lang)
    for href, content_type in related:
        sub(meta, "link", rel="irel:associatedWith", href=href, contenttype=content_type)


def languages(parent: etree._Element, obj: Any) -> None:
    for lang in LANGS:
        if (getattr(obj, f"title_{lang}", "") or "").strip():
            sub(parent, "language", tag=lang)


def headline_and_credit(parent: etree._Element, obj: Any, credit: str) -> None:
    bilingual(parent, "headline", obj, "title")
    if credit:
        sub(parent, "creditline", credit)
    bilingual(parent, "description", obj, "summary", role="drol:summary")


def event_subject(parent: etree._Element, event: Any) -> None:
    if event is None:
        return
    subject = sub(parent, "subject", type="cpnat:event", qcode=f"nrevent:{event.slug}")
    names(subject, event, "title")


def serialise(element: etree._Element) -> bytes:
    return bytes(etree.tostring(element, encoding="utf-8", xml_declaration=True))


def localized_title(obj: Any, lang: str) -> str:
    return str(localized(obj, "title", lang))
