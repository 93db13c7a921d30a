"""oEmbed (https://oembed.com/): what a CMS or chat client fetches to embed an item from its page's address.

GET /api/oembed?url=<item page or embed URL>[&format=json][&maxwidth=N][&maxheight=N] answers a "video" (audio
too: oEmbed has no audio type, and "video" is what players get) with the iframe of the embeddable player, the
same code as the item page's Embed control (catalogue/embeds.py). The item must be one anyone may play: the
access rules decide, for a reader without an account (downloads.access.may_preview), because an embed is shown
on other sites, where the portal's session does not follow. Errors are JSON `{"detail": ...}`: 400 for a missing
or foreign URL or a bad size, 401 for an item that is not public, 404 for anything that is not a published video
or audio item, 501 for a format other than JSON. docs/embeds.md.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.decorators.http import require_safe

from newsreel.catalogue.embeds import EMBED_KINDS, frame_size, iframe_html, player_rendition
from newsreel.catalogue.models import Item, Kind, Rendition, Role
from newsreel.catalogue.timelinks import item_time_link
from newsreel.downloads.access import may_preview
from newsreel.lib.site_name import site_name
from newsreel.media.numbers import NotANumber, whole_number

MAX_URL_LENGTH = 2000
MAX_DIMENSION = 10_000
PAGE_VIEWS = frozenset({"catalogue:item", "catalogue:embed"})
THUMBNAIL_ROLES = {Kind.VIDEO: (Role.POSTER, Role.THUMBNAIL_LARGE, Role.THUMBNAIL), Kind.AUDIO: (Role.WAVEFORM,)}
CACHE_AGE = 3600


class OEmbedError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@require_safe
def oembed(request: HttpRequest) -> JsonResponse:
    try:
        body = _answer(request)
    except OEmbedError as error:
        return _json({"detail": error.detail}, status=error.status)
    response = _json(body, status=200)
    response["Cache-Control"] = f"public, max-age={CACHE_AGE}"
    return response


def _json(body: dict[str, object], *, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    # Public data about public items: browsers on any site may read it (no credentials are involved).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _answer(request: HttpRequest) -> dict[str, object]:
    if request.GET.get("format", "json") != "json":
        raise OEmbedError(501, "Only format=json is provided.")
    max_width = _dimension(request, "maxwidth")
    max_height = _dimension(request, "maxheight")
    lang, reference, moment = _portal_item(request, request.GET.get("url", ""))
    item = (Item.objects.visible().filter(reference=reference, kind__in=EMBED_KINDS)
            .prefetch_related("renditions").first())
    preview = player_rendition(item) if item is not None else None
    if item is None or preview is None:
        raise OEmbedError(404, "No playable video or audio item at this address.")
    if not may_preview(AnonymousUser(), preview):
        raise OEmbedError(401, "This item is not public: it cannot be embedded.")
    width, height = frame_size(item.kind, (preview.width or 0, preview.height or 0),
                               max_width=max_width, max_height=max_height)
    t = item_time_link(item, moment) if moment else None
    with translation.override(lang):
        title = str(item.title)
    body: dict[str, object] = {
        "version": "1.0", "type": "video", "title": title or item.reference,
        "provider_name": site_name(lang), "provider_url": settings.SITE_URL + "/",
        "html": str(iframe_html(item, lang=lang, width=width, height=height, t=t)),
        "width": width, "height": height, "cache_age": CACHE_AGE,
    }
    if item.credit:
        body["author_name"] = item.credit
    body.update(_thumbnail(item, max_width, max_height))
    return body


def _dimension(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    try:
        value = whole_number(raw, maximum=MAX_DIMENSION)
    except NotANumber:
        value = 0
    if value < 1:
        raise OEmbedError(400, f"{name} must be a whole number of pixels from 1 to {MAX_DIMENSION}.")
    return value


def _portal_item(request: HttpRequest, url: str) -> tuple[str, str, str]:
    """(language, reference, the link's t value) of an item page or embed URL of this portal."""
    if not url:
        raise OEmbedError(400, "Give the address of an item page: url=...")
    if len(url) > MAX_URL_LENGTH:
        raise OEmbedError(400, "The address is too long.")
    parts = urlsplit(url)
    # The portal's public address, or the one this request came in by (a host Django already allows).
    ours = {_origin(settings.SITE_URL), f"{request.scheme}://{request.get_host()}".lower()}
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}".lower() not in ours:
        raise OEmbedError(400, "This address is not a page of this portal.")
    lang = translation.get_language_from_path(parts.path)
    if not lang:
        raise OEmbedError(404, "No item page at this address.")
    try:
        with translation.override(lang):
            match = resolve(parts.path)
    except Resolver404:
        match = None
    if match is None or match.view_name not in PAGE_VIEWS:
        raise OEmbedError(404, "No item page at this address.")
    moment = (parse_qs(parts.query).get("t") or parse_qs(parts.fragment).get("t") or [""])[0]
    return lang, str(match.kwargs["reference"]), moment


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _thumbnail(item: Item, max_width: int | None, max_height: int | None) -> dict[str, object]:
    """The largest picture of the item anyone may see that fits the sizes asked for, if any."""
    for role in THUMBNAIL_ROLES.get(Kind(item.kind), ()):
        picture = item.rendition(role)
        if picture is None or not picture.width or not picture.height or not may_preview(AnonymousUser(), picture):
            continue
        if (max_width and picture.width > max_width) or (max_height and picture.height > max_height):
            continue
        return {"thumbnail_url": _absolute(picture), "thumbnail_width": picture.width,
                "thumbnail_height": picture.height}
    return {}


def _absolute(rendition: Rendition) -> str:
    url = rendition.preview_url()
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url
