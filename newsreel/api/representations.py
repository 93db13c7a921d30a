"""Models to the API's resource shapes, for one caller: links and download verdicts depend on who asks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from newsreel.catalogue.models import Access, Event, Item, Rendition, Role
from newsreel.downloads.access import Verdict, may_download, may_preview
from newsreel.news.models import Article

API_ROOT = "/api/v1"


def text(obj: Any, field: str) -> dict[str, str | None]:
    return {lang: (getattr(obj, f"{field}_{lang}", "") or "").strip() or None for lang in ("en", "fr")}


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def portal_pages(request: HttpRequest, name: str, *args: Any) -> dict[str, str]:
    pages = {}
    for lang, key in (("en", "page"), ("fr", "page_fr")):
        with translation.override(lang):
            pages[key] = absolute(request, reverse(name, args=args))
    return pages


def event_ref(request: HttpRequest, event: Event | None) -> dict[str, Any] | None:
    if event is None:
        return None
    return {"slug": event.slug, "title": text(event, "title"),
            "url": absolute(request, f"{API_ROOT}/events/{event.slug}")}


def event_out(request: HttpRequest, event: Event) -> dict[str, Any]:
    return {
        "slug": event.slug, "title": text(event, "title"), "description": text(event, "description"),
        "starts_on": event.starts_on, "ends_on": event.ends_on, "location": event.location,
        "links": {"self": absolute(request, f"{API_ROOT}/events/{event.slug}"),
                  **portal_pages(request, "catalogue:event", event.slug),
                  "items": absolute(request, f"{API_ROOT}/items?event={event.slug}"),
                  "articles": absolute(request, f"{API_ROOT}/articles?event={event.slug}")},
    }


def _preview(request: HttpRequest, user: User | AnonymousUser, rendition: Rendition | None) -> str | None:
    if rendition is None or not may_preview(user, rendition):
        return None
    return absolute(request, rendition.preview_url())


def item_summary(request: HttpRequest, item: Item) -> dict[str, Any]:
    user = request.user
    return {
        "reference": item.reference, "kind": item.kind, "title": text(item, "title"),
        "summary": text(item, "summary"), "publish_at": item.publish_at, "updated_at": item.updated_at,
        "shot_on": item.shot_on, "location": text(item, "location"), "event": event_ref(request, item.event),
        "access": item.access, "duration": item.duration,
        "links": {"self": absolute(request, f"{API_ROOT}/items/{item.reference}"),
                  **portal_pages(request, "catalogue:item", item.reference),
                  "poster": _preview(request, user, item.poster),
                  "thumbnail": _preview(request, user, item.thumbnail),
                  "preview": _preview(request, user, item.rendition(Role.WEB) or item.rendition(Role.AUDIO_PREVIEW)
                                      or item.rendition(Role.PHOTO_MEDIUM))},
    }


def rendition_out(request: HttpRequest, rendition: Rendition) -> dict[str, Any] | None:
    """A file as this caller may know it; None for files they may not even learn of (restricted ones)."""
    user = request.user
    links: dict[str, str | None] = {"preview": None, "download": None, "portal_download": None}
    verdict: str | None = None
    if rendition.is_preview:
        if not may_preview(user, rendition):
            return None
        links["preview"] = absolute(request, rendition.preview_url())
    else:
        found = may_download(user, rendition)
        # Restricted files are not announced to anyone but staff (downloads/access.py says "sign in" to the
        # anonymous only so that a page can offer it; a machine has no such page).
        if found == Verdict.NOT_FOUND or (found == Verdict.SIGN_IN and rendition.effective_access == Access.RESTRICTED):
            return None
        verdict = found.value
        # The API's own download honours the token; the portal's link is for a person in a browser.
        links["download"] = absolute(request, reverse("api:v1:rendition_file", args=[rendition.pk]))
        links["portal_download"] = absolute(request, reverse("downloads:file", args=[rendition.pk]))
    return {
        "id": rendition.pk, "role": rendition.role, "kind": "preview" if rendition.is_preview else "download",
        "access": rendition.effective_access, "download": verdict, "media_type": rendition.mime_type,
        "size": rendition.size, "width": rendition.width, "height": rendition.height,
        "duration": rendition.duration, "frame_rate": rendition.frame_rate or None, "bitrate": rendition.bitrate,
        "video_codec": rendition.video_codec or None, "audio_codec": rendition.audio_codec or None,
        "sha256": rendition.sha256 or None, "links": links,
    }


def item_out(request: HttpRequest, item: Item) -> dict[str, Any]:
    renditions = [rendition_out(request, r) for r in item.renditions.all() if r.role != Role.STORYBOARD_INDEX]
    return {
        **item_summary(request, item),
        "description": text(item, "description"), "credit": item.credit, "copyright": item.copyright,
        "terms": text(item, "terms"), "frame_rate": item.frame_rate or None,
        "start_timecode": item.start_timecode or None,
        "tags": [{"slug": tag.slug, "name": text(tag, "name")} for tag in item.tags.all()],
        "people": [{"slug": p.slug, "name": p.name, "role": text(p, "role")} for p in item.people.all()],
        "renditions": [r for r in renditions if r is not None],
        "shotlist": [{"tc_in": shot.tc_in, "tc_out": shot.tc_out, "description": text(shot, "description")}
                     for shot in item.shots.all()],
    }


def article_summary(request: HttpRequest, article: Article) -> dict[str, Any]:
    return {
        "slug": article.slug, "type": article.type, "reference": article.reference,
        "title": text(article, "title"), "summary": text(article, "summary"), "publish_at": article.publish_at,
        "updated_at": article.updated_at, "event": event_ref(request, article.event),
        "links": {"self": absolute(request, f"{API_ROOT}/articles/{article.slug}"),
                  **portal_pages(request, "news:article", article.slug)},
    }


def article_out(request: HttpRequest, article: Article) -> dict[str, Any]:
    return {**article_summary(request, article), "body": text(article, "body"),
            "related_items": [item.reference for item in article.related_items.visible().order_by("-publish_at")]}
