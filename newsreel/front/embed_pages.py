"""The embeddable player page of a video or audio item, the one page other sites may frame (docs/embeds.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from newsreel.catalogue.embeds import EMBED_KINDS, player_rendition
from newsreel.catalogue.models import Item
from newsreel.downloads.access import may_preview

View = Callable[..., HttpResponseBase]


def frame_ancestors() -> list[str]:
    """Who may frame an embed: the sites in the setting, and the portal itself (a page of its own origin cannot
    clickjack it), or any site for `*`."""
    origins = settings.NEWSREEL_EMBED_ORIGINS
    return ["*"] if origins == ["*"] else ["'self'", *origins]


def embeddable(view: View) -> View:
    """Lets the listed sites frame the view's pages: CSP frame-ancestors through django-csp, and no
    X-Frame-Options, which would refuse every site (its only values are DENY and SAMEORIGIN)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        framed = csp_replace({"frame-ancestors": frame_ancestors()})(xframe_options_exempt(view))
        return framed(request, *args, **kwargs)

    return wrapped


@require_safe
@embeddable
def item_embed(request: HttpRequest, reference: str) -> HttpResponse:
    """The player with a title, credit and links. Drafts and embargoed items do not exist here (404); a withdrawn
    one says so; a restricted one asks to sign in on the portal, as its preview is for staff only."""
    item = (Item.objects.reachable().filter(reference=reference, kind__in=EMBED_KINDS)
            .prefetch_related("renditions").first())
    if item is None:
        # Said inside the frame (a page the embedding site may show), not as the browser's refusal of the
        # portal's own 404 page: an embed outlives an item that is taken back to draft or deleted.
        return render(request, "catalogue/embed_missing.html", status=404)
    if item.is_withdrawn:
        return render(request, "catalogue/item_embed.html", {"item": item, "withdrawn": True}, status=410)
    preview = player_rendition(item)
    return render(request, "catalogue/item_embed.html", {
        "item": item, "preview": preview, "allowed": preview is not None and may_preview(request.user, preview)})
