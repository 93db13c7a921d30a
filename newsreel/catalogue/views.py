from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from newsreel.catalogue.models import Access, Event, Item, Kind, Rendition
from newsreel.front.paging import paginate
from newsreel.news.models import Article
from newsreel.search.views import list_page


@require_GET
def media_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")
    kind = kind if kind in Kind.values else ""
    page = list_page(request, type=(kind,) if kind else tuple(Kind.values))
    return render(request, "catalogue/media_list.html", {"page": page, "kind": kind, "kinds": Kind.choices})


@require_GET
def item_detail(request: HttpRequest, reference: str) -> HttpResponse:
    item = get_object_or_404(
        Item.objects.reachable().select_related("event").prefetch_related("renditions", "shots", "tags", "people"),
        reference=reference,
    )
    if item.is_withdrawn:
        return render(request, "catalogue/withdrawn.html", {"item": item}, status=410)
    articles = item.articles.visible().order_by("-publish_at")[:5]
    return render(request, "catalogue/item_detail.html", {"item": item, "articles": articles})


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


@require_GET
def rendition_preview(request: HttpRequest, pk: int) -> FileResponse:
    """Preview files (poster, thumbnails, storyboard, web preview) of visible, non-restricted items."""
    rendition = get_object_or_404(Rendition.objects.select_related("item"), pk=pk)
    if not rendition.is_preview or not rendition.item.is_visible():
        raise Http404
    if rendition.effective_access == Access.RESTRICTED and not request.user.is_staff:
        raise Http404
    response = FileResponse(rendition.file.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    return response
