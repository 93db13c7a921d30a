"""Captions as files: SubRip and WebVTT downloads (whole or cut to a clip), and the player's WebVTT track."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from newsreel.captions import export as caption_export
from newsreel.captions.export import CutRefused
from newsreel.captions.models import CueSet
from newsreel.catalogue.models import Item
from newsreel.downloads.access import Verdict, may_download_item_text, may_preview, player_preview
from newsreel.downloads.delivery import start_log
from newsreel.downloads.models import Download, DownloadKind
from newsreel.downloads.views import clip_points, downloadable_item, refusal
from newsreel.lib.http import content_disposition


@require_safe
def item_captions(request: HttpRequest, reference: str, language: str, kind: str) -> HttpResponse:
    """Published captions as SubRip or WebVTT; with ?in=&out= (source timecodes), cut to that clip and counted
    from its first frame. The same rule as the sidecar: for whoever may download one of the item's files."""
    item = downloadable_item(request, reference)
    verdict = may_download_item_text(request.user, item)
    if verdict != Verdict.ALLOWED:
        return refusal(request, verdict)
    cue_set = get_object_or_404(CueSet.objects.published().select_related("item"), item=item, language=language)
    clip = clip_points(request)
    try:
        text = caption_export.caption_file(cue_set, kind, clip)
    except CutRefused as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(text, content_type=caption_export.CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition(caption_export.filename(cue_set, kind, clip))
    response["X-Content-Type-Options"] = "nosniff"
    if request.method == "GET":
        size = len(response.content)
        log = start_log(request, kind=DownloadKind.SIDECAR, item_id=item.pk, bytes_expected=size,
                        role=f"captions_{language}"[:20], clip_in=clip[0][:12] if clip else "",
                        clip_out=clip[1][:12] if clip else "")
        Download.objects.filter(pk=log.pk).update(bytes_sent=size, completed=True)
    return response


@require_safe
def caption_track(request: HttpRequest, reference: str, language: str) -> HttpResponse:
    """Published captions as the player's WebVTT track: for whoever may see the item's preview (access.py), as
    captions are part of watching it (WCAG 2.1, 1.2.2)."""
    item = get_object_or_404(Item.objects.prefetch_related("renditions"), reference=reference)
    preview = player_preview(item)  # may_preview: visible items for all, others for staff only
    if preview is None or not may_preview(request.user, preview):
        raise Http404
    cue_set = get_object_or_404(CueSet.objects.published().select_related("item"), item=item, language=language)
    response = HttpResponse(caption_export.caption_file(cue_set, "vtt"), content_type="text/vtt; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    public = preview.effective_access != "restricted" and item.is_visible()
    response["Cache-Control"] = "public, max-age=300" if public else "private, max-age=0"
    return response
