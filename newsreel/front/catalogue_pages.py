"""The catalogue's public pages: media lists, the item page (player, shotlist, clip tool), events, preview files."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_safe

from newsreel.catalogue.embeds import EMBED_KINDS, frame_size, iframe_html, player_rendition
from newsreel.catalogue.models import DOWNLOAD_ROLES, Access, Event, Item, Kind, Rendition, Role
from newsreel.downloads.access import Verdict, may_download, may_preview
from newsreel.downloads.clips import AUDIO_ROLES, player_range_messages
from newsreel.front.pagecache import pages_version
from newsreel.lib.http import serve_file
from newsreel.lib.paging import paginate
from newsreel.media.content import ATTACHMENT_TYPE, INLINE_TYPES, media_type_of
from newsreel.news.models import Article
from newsreel.publishing import current_lang
from newsreel.search.views import list_page


@require_GET
def media_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")
    kind = kind if kind in Kind.values else ""
    page = list_page(request, type=(kind,) if kind else tuple(Kind.values))
    return render(request, "catalogue/media_list.html", {"page": page, "kind": kind, "kinds": Kind.choices})


@require_GET
def item_detail(request: HttpRequest, reference: str) -> HttpResponse:
    version = pages_version()
    item = item_for_page(reference, version)
    if item.is_withdrawn:
        return render(request, "catalogue/withdrawn.html", {"item": item}, status=410)

    def articles() -> list[Article]:
        # Called by the template inside the cached part only: building the query costs as much as running it.
        return list(item.articles.visible().order_by("-publish_at")[:5])

    # The page shows the player (or picture) only to those the access rules give its preview; to others, a note
    # rather than a player whose file would not load.
    shown = player_rendition(item) if item.kind in EMBED_KINDS else item.poster
    refused = shown is not None and not may_preview(request.user, shown)
    context: dict[str, object] = {"item": item, "articles": articles, "preview_refused": refused,
                                  "web": None if refused else item.rendition(Role.WEB),
                                  "download_roles": {str(role) for role in DOWNLOAD_ROLES},
                                  "PAGES_VERSION": version}
    context.update(embed_context(item, version))
    if item.kind == Kind.VIDEO:
        context["storyboard"] = storyboard_for_player(item)
        choices = clip_choices(request, item)
        context["clip_renditions"] = choices
        # Names the cached form's version: only the choice of files differs between readers.
        context["clip_key"] = ",".join(str(r.pk) for r in choices)
        context["clip_audio"] = any(r.role in AUDIO_ROLES for r in choices)
        context["clip_messages"] = player_range_messages()
        try:
            context["clip_url"] = reverse("downloads:clip", args=[item.reference])
        except NoReverseMatch:
            context["clip_url"] = None
    return render(request, "catalogue/item_detail.html", context)


def item_for_page(reference: str, version: str) -> Item:
    """The item with its event and files, kept until content changes (`version`): the same for every reader,
    and two queries of every signed-in item page otherwise. In the per-process cache of the pages' fragments."""
    return cast(Item, caches["template_fragments"].get_or_set(
        f"item-page:{version}:{reference}",
        # Shots, tags and people are read by the cached part of the page only, when it is rendered.
        lambda: get_object_or_404(Item.objects.reachable().select_related("event").prefetch_related("renditions"),
                                  reference=reference),
        settings.NEWSREEL_PAGE_CACHE_SECONDS))


def embed_context(item: Item, version: str) -> dict[str, object]:
    """The Embed control and the oEmbed discovery link, for items whose player anyone may see (an embed is
    framed on other sites, where the portal's session does not follow). The same for every reader of a
    language until content changes: kept with the pages' fragments."""
    return cast(dict[str, object], caches["template_fragments"].get_or_set(
        f"item-embed:{version}:{item.pk}:{current_lang()}", lambda: _embed_context(item),
        settings.NEWSREEL_PAGE_CACHE_SECONDS))


def _embed_context(item: Item) -> dict[str, object]:
    preview = player_rendition(item) if item.kind in EMBED_KINDS else None
    if preview is None or not may_preview(AnonymousUser(), preview):
        return {}
    lang = current_lang()
    width, height = frame_size(item.kind, (preview.width or 0, preview.height or 0))
    page_url = settings.SITE_URL + item.get_absolute_url()
    return {
        "embed_code": iframe_html(item, lang=lang, width=width, height=height),
        "oembed_url": settings.SITE_URL + reverse("api:oembed") + "?" + urlencode({"url": page_url, "format": "json"}),
        "embed_anywhere": settings.NEWSREEL_EMBED_ORIGINS == ["*"],
    }


# What a user may cut a clip from, best first: video versions, then the audio-only ones (cut to the sample at the
# instants of the frames marked on the video). Downloads only: a clip is a download, the web video a preview.
CLIP_ROLES = [Role.BROADCAST, Role.PROXY, Role.MASTER, Role.AUDIO_WAV, Role.AUDIO_MP3]


def clip_choices(request: HttpRequest, item: Item) -> list[Rendition]:
    """The versions this user may cut (the master only where they may download it)."""
    renditions = {r.role: r for r in item.renditions.all() if r.role in CLIP_ROLES}
    return [renditions[role] for role in CLIP_ROLES if role in renditions
            and (role != Role.MASTER or may_download(request.user, renditions[role]) == Verdict.ALLOWED)]


def storyboard_for_player(item: Item) -> dict[str, object] | None:
    """The storyboard index with its sprite sheets' file names replaced by their preview URLs."""
    index = item.rendition(Role.STORYBOARD_INDEX)
    if index is None:
        return None
    stored = (_storyboard_index(index.file.path, index.sha256) if index.sha256
              else _read_storyboard_index(index.file.path))
    if stored is None:
        return None
    data = dict(stored)
    sheets = {Path(r.file.name or "").name: r.preview_url() for r in item.renditions.all() if r.role == Role.STORYBOARD}
    data["sheets"] = [sheets.get(name, "") for name in data.get("sheets", [])]
    return data


@functools.lru_cache(maxsize=512)
def _storyboard_index(path: str, sha256: str) -> dict[str, Any] | None:
    """Keyed by the content's SHA-256, so read once per process and content, not on every page."""
    return _read_storyboard_index(path)


def _read_storyboard_index(path: str) -> dict[str, Any] | None:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/event_list.html", {"page": paginate(request, Event.objects.all())})


@require_GET
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event, slug=slug)
    return render(request, "catalogue/event_detail.html", {
        "event": event,
        "page": list_page(request, event=event.slug, type=tuple(Kind.values)),
        "articles": Article.objects.visible().filter(event=event).order_by("-publish_at")[:10],
    })


@require_safe
def rendition_preview(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """A preview file (downloads/access.py: who may), sent inline only as one of a fixed set of media types read
    from the file's content; anything else is an attachment. The stored type is never trusted."""
    rendition = get_object_or_404(Rendition.objects.select_related("item"), pk=pk)
    if not may_preview(request.user, rendition):
        raise Http404
    path = Path(rendition.file.path)
    if not path.is_file():
        raise Http404
    cache = "public, max-age=3600" if rendition.effective_access == Access.OPEN else "private, max-age=3600"
    sniffed = media_type_of(path)
    inline = sniffed in INLINE_TYPES
    name = None if inline else f"{rendition.item.reference}_{rendition.role}.bin"
    response = serve_file(request, path, content_type=sniffed if sniffed and inline else ATTACHMENT_TYPE,
                          sha256=rendition.sha256, cache_control=cache, filename=name, attachment=True)
    # Should a browser ever render one as a document, it runs no script and gets an origin of its own.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response
