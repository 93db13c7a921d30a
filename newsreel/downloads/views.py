"""Download views: whole files, sidecars, photo-set ZIPs, clip requests and their status, the user's history."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from newsreel.captions.export import CutRefused
from newsreel.captions.models import language_name
from newsreel.catalogue.models import Event, Item, Kind, Rendition, Role
from newsreel.downloads import clips
from newsreel.downloads.access import Verdict, account_verdict, may_download, may_download_item_text
from newsreel.downloads.delivery import Response, metered_stream, rendition_filename, send_logged, start_log
from newsreel.downloads.models import ClipRequest, ClipStatus, Download, DownloadKind
from newsreel.downloads.sidecar import item_sidecar, photo_set_notes
from newsreel.downloads.zipstream import Member, stream_zip
from newsreel.lib.http import content_disposition
from newsreel.lib.paging import paginate
from newsreel.media.content import ATTACHMENT_TYPE, media_type_of
from newsreel.media.numbers import NotANumber, whole_number

PHOTO_SIZES = [Role.PHOTO_LARGE, Role.MASTER]  # downloads only: the medium photo is a preview


def refusal(request: HttpRequest, verdict: Verdict, next_url: str | None = None) -> HttpResponse:
    """The answer for a user who may not have the file yet, saying what to do, then where to go back to
    (`next_url`, by default this page)."""
    if verdict in (Verdict.SIGN_IN, Verdict.TERMS):
        page = "account_login" if verdict == Verdict.SIGN_IN else "accounts:terms"
        return HttpResponseRedirect(reverse(page) + "?" + urlencode({"next": next_url or request.get_full_path()}))
    if verdict == Verdict.VERIFY:
        return render(request, "downloads/verify_first.html", status=403)
    raise Http404


@require_safe
def download_rendition(request: HttpRequest, pk: int) -> Response:
    """A whole file by its database id: the only way to a rendition; no path ever comes from the request."""
    rendition = get_object_or_404(Rendition.objects.select_related("item"), pk=pk)
    verdict = may_download(request.user, rendition)
    if verdict != Verdict.ALLOWED:
        return refusal(request, verdict)
    path = Path(rendition.file.path)
    if not path.is_file():
        raise Http404
    cache = "public, max-age=3600" if rendition.effective_access == "open" else "private, max-age=0"
    # The type comes from the content, not from the row: a script must not load a download as a script.
    return send_logged(request, path, media_name=rendition.file.name or "",
                       content_type=media_type_of(path) or ATTACHMENT_TYPE, sha256=rendition.sha256,
                       filename=rendition_filename(rendition),
                       item_id=rendition.item_id, rendition_id=rendition.pk, role=rendition.role,
                       cache_control=cache)


def downloadable_item(request: HttpRequest, reference: str) -> Item:
    item = get_object_or_404(Item.objects.prefetch_related("renditions", "shots"), reference=reference)
    if not item.is_visible() and not request.user.is_staff:
        raise Http404
    return item


@require_safe
def item_sidecar_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Metadata, shotlist, credit and terms as text, to keep beside a video, audio or photo file."""
    item = downloadable_item(request, reference)
    verdict = may_download_item_text(request.user, item)
    if verdict != Verdict.ALLOWED:
        return refusal(request, verdict)
    try:
        text = item_sidecar(item, clip=clip_points(request))
    except CutRefused as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"{item.reference}.txt")
    response["X-Content-Type-Options"] = "nosniff"
    if request.method == "GET":
        size = len(response.content)
        log = start_log(request, kind=DownloadKind.SIDECAR, item_id=item.pk, bytes_expected=size)
        Download.objects.filter(pk=log.pk).update(bytes_sent=size, completed=True)
    return response


def _photo_members(request: HttpRequest, items: list[Item],
                   size: str) -> tuple[list[Member], dict[int, list[str]], Verdict | None]:
    """The ZIP's files of one size the user may download, their names per item, and the first refusal met."""
    members: list[Member] = []
    files: dict[int, list[str]] = {}
    first_refusal: Verdict | None = None
    used: set[str] = set()
    for item in items:
        for rendition in item.renditions.all():
            if rendition.role != size:
                continue
            verdict = may_download(request.user, rendition)
            if verdict != Verdict.ALLOWED:
                first_refusal = first_refusal or verdict
                continue
            path = Path(rendition.file.path)
            if not path.is_file():
                continue
            filename = rendition_filename(rendition)
            while filename in used:
                filename = f"{rendition.pk}_{filename}"
            used.add(filename)
            members.append(Member(filename, path=path))
            files.setdefault(item.pk, []).append(filename)
    return members, files, first_refusal


def _photo_zip(request: HttpRequest, items: list[Item], name: str, size: str) -> Response:
    if size not in PHOTO_SIZES:
        size = Role.PHOTO_LARGE
    members, files, first_refusal = _photo_members(request, items, size)
    if not members:
        if first_refusal is not None:
            return refusal(request, first_refusal)
        raise Http404
    listed = [item for item in items if item.pk in files]
    members.append(Member("CAPTIONS-CREDITS-TERMS.txt", text=photo_set_notes(listed, files)))
    if request.method == "HEAD":
        response: Response = HttpResponse(content_type="application/zip")
    else:
        log = start_log(request, kind=DownloadKind.ZIP, item_id=listed[0].pk if len(listed) == 1 else None,
                        role=size)
        response = StreamingHttpResponse(metered_stream(stream_zip(members), log.pk), content_type="application/zip")
    response["Content-Disposition"] = content_disposition(f"{name}_{size}.zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


@require_safe
def item_photos_zip(request: HttpRequest, reference: str) -> Response:
    item = downloadable_item(request, reference)
    if item.kind != Kind.PHOTO:
        raise Http404
    return _photo_zip(request, [item], item.reference, request.GET.get("size", Role.PHOTO_LARGE))


@require_safe
def event_photos_zip(request: HttpRequest, slug: str) -> Response:
    event = get_object_or_404(Event, slug=slug)
    items = list(event.items.visible().filter(kind=Kind.PHOTO).order_by("publish_at", "id")
                 .prefetch_related("renditions"))
    return _photo_zip(request, items, event.slug, request.GET.get("size", Role.PHOTO_LARGE))


def clip_points(request: HttpRequest) -> tuple[str, str] | None:
    """A clip's in and out (source timecodes, as the clip tool shows them) from ?in=&out=, if both are given."""
    tc_in, tc_out = request.GET.get("in", "").strip()[:20], request.GET.get("out", "").strip()[:20]
    return (tc_in, tc_out) if tc_in and tc_out else None


# --- Clips -------------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def clip_create(request: HttpRequest, reference: str) -> HttpResponse:
    """The clip form's target: validate, then send the file, or the status page of a queued render."""
    item = get_object_or_404(Item.objects.reachable(), reference=reference, kind=Kind.VIDEO)
    back = item.get_absolute_url() + "#clip-tool"
    if request.method == "GET":
        return redirect(back)
    verdict = account_verdict(request.user)
    if verdict != Verdict.ALLOWED:  # then come back to the item, not to a POST-only URL
        return refusal(request, verdict, next_url=back)
    assert isinstance(request.user, User)
    try:
        rendition = item.renditions.get(pk=whole_number(request.POST.get("rendition", "")))
    except (NotANumber, Rendition.DoesNotExist):
        rendition = None
    if rendition is None or not clips.clippable(request.user, rendition):
        messages.error(request, _("Choose a version of this video to cut."))
        return redirect(back)
    try:
        frames = clips.frame_range(rendition, request.POST.get("tc_in", ""), request.POST.get("tc_out", ""))
        clip_req = clips.clip_request(user=request.user, rendition=rendition, start=frames.start, end=frames.end,
                                      mode=request.POST.get("mode", "accurate"), rate=frames.rate,
                                      captions=request.POST.get("captions") == "on")
    except clips.ClipRefused as exc:
        # Back to the clip tool, which shows why (the browser keeps the player where it was).
        messages.error(request, exc.message)
        return redirect(back)
    assert clip_req.clip is not None
    if clip_req.clip.status == ClipStatus.READY:
        return redirect("downloads:clip_file", clip_req.pk)
    return redirect("downloads:clip_status", clip_req.pk)


def _own_request(request: HttpRequest, pk: int) -> ClipRequest:
    user = request.user
    if isinstance(user, AnonymousUser):
        raise Http404
    return get_object_or_404(ClipRequest.objects.select_related("clip", "rendition__item"), pk=pk, user=user)


@login_required
@require_GET
def clip_status(request: HttpRequest, pk: int) -> HttpResponse:
    clip_req = _own_request(request, pk)
    state = _clip_state(clip_req)
    tracks = clip_req.clip.caption_tracks if clip_req.clip is not None else []
    languages = ", ".join(language_name(str(track["language"])) for track in tracks)  # its mov_text tracks
    return render(request, "downloads/clip_status.html", {"clip_request": clip_req, "clip": clip_req.clip,
                                                           "item": clip_req.rendition.item, "state": state,
                                                           "clip_query": state.get("clip_query", ""),
                                                           "caption_languages": languages})


def _clip_state(clip_req: ClipRequest) -> dict[str, object]:
    clip = clip_req.clip
    if clip is None:
        return {"status": "expired", "progress": 0, "message": _("This clip is no longer kept; ask for it again.")}
    state: dict[str, object] = {"status": clip.status, "progress": round(clip.progress, 3)}
    if clip.status == ClipStatus.READY:
        state["download_url"] = reverse("downloads:clip_file", args=[clip_req.pk])
        state["filename"] = clips.clip_filename(clip)
        # Its captions and sidecar are cut to the frames it holds (a fast clip holds whole GOPs).
        state["clip_query"] = urlencode(dict(zip(("in", "out"), clips.source_timecodes(clip), strict=True)))
    if clip.status == ClipStatus.FAILED:
        state["message"] = _("This clip could not be made. Try another range or version, or contact the press office.")
    return state


@login_required
@require_GET
def clip_status_json(request: HttpRequest, pk: int) -> JsonResponse:
    response = JsonResponse(_clip_state(_own_request(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def clip_file(request: HttpRequest, pk: int) -> Response:
    verdict = account_verdict(request.user)
    if verdict != Verdict.ALLOWED:
        return refusal(request, verdict)
    clip_req = _own_request(request, pk)
    clip = clip_req.clip
    if clip is None or clip.status != ClipStatus.READY:
        return redirect("downloads:clip_status", pk)
    if may_download(request.user, clip_req.rendition) != Verdict.ALLOWED:
        raise Http404
    response = clips.send_clip(request, clip_req, clip)
    if response is None:
        raise Http404
    return response


# --- History -----------------------------------------------------------------------------------------------

@login_required
@require_GET
def my_downloads(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # login_required
    downloads = Download.objects.filter(user=request.user).select_related("item", "rendition")
    return render(request, "downloads/my_downloads.html", {"page": paginate(request, downloads)})
