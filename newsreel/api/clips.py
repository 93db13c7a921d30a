"""/clips: frame-exact partial downloads of a video, as the portal's clip tool makes them (downloads/clips.py).

POST /clips asks for a clip (source timecodes as the player shows them, or frames of the file) and answers 202
with the job's URL; GET /clips/{id} tells its status and progress; GET /clips/{id}/file sends it when ready,
logged as a clip download. The same checks, cache, render slots, "clips" task queue and hourly limit as the
portal's form; the API adds a limit per token, since a script asks faster than a person.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from pydantic import ConfigDict, Field

from newsreel.api.auth import caller_of, require_scope
from newsreel.api.downloads import as_sent, refused
from newsreel.api.errors import ApiError, ErrorBody, not_found, with_errors
from newsreel.api.models import Scope
from newsreel.api.representations import API_ROOT, absolute
from newsreel.catalogue.models import Item, Kind, Rendition
from newsreel.downloads import clips
from newsreel.downloads.access import Verdict, account_verdict, may_download
from newsreel.downloads.models import ClipRequest, ClipStatus
from newsreel.lib.ratelimit import hit

router = Router(tags=["clips"])

CLIP_ID = Path(..., ge=1, le=2**31 - 1, description="The clip request's id.")
TIMECODE = r"^[0-9]{1,2}:[0-9]{2}:[0-9]{2}[:;][0-9]{2}$"
MAX_FRAME = 10**8


class ClipByTimecodes(Schema):
    """Which version to cut and where, in source timecodes as the player shows them (HH:MM:SS:FF); the out point
    is the first frame not included, as on the portal."""

    model_config = ConfigDict(extra="forbid")

    rendition: int = Field(..., ge=1, le=2**31 - 1, description="A video version's id from the item's renditions.")
    tc_in: str = Field(..., pattern=TIMECODE)
    tc_out: str = Field(..., pattern=TIMECODE)
    mode: Literal["accurate", "fast"] = "accurate"
    captions: bool = Field(False, description="Carry the item's published captions, cut to the clip, as a "
                                               "mov_text subtitle track per language (video versions).")


class ClipByFrames(Schema):
    """Which version to cut and where, in frames counted from the file's first frame (`out_frame` excluded)."""

    model_config = ConfigDict(extra="forbid")

    rendition: int = Field(..., ge=1, le=2**31 - 1, description="A video version's id from the item's renditions.")
    in_frame: int = Field(..., ge=0, le=MAX_FRAME)
    out_frame: int = Field(..., ge=1, le=MAX_FRAME)
    mode: Literal["accurate", "fast"] = "accurate"
    captions: bool = Field(False, description="Carry the item's published captions, cut to the clip, as a "
                                               "mov_text subtitle track per language (video versions).")


class ClipOut(Schema):
    id: int
    url: str
    status: Literal["queued", "running", "ready", "failed", "expired"]
    progress: float
    item: str
    rendition: int
    mode: str
    in_frame: int
    out_frame: int
    frames: int
    tc_in: str | None = None  # the source timecodes of the clip's first frame and of the frame after its last
    tc_out: str | None = None
    filename: str | None = None
    size: int | None = None
    file: str | None = None  # where to fetch it once ready
    error: ErrorBody | None = None


def _clip_out(request: HttpRequest, clip_req: ClipRequest) -> dict[str, Any]:
    clip = clip_req.clip
    url = absolute(request, f"{API_ROOT}/clips/{clip_req.pk}")
    out: dict[str, Any] = {
        "id": clip_req.pk, "url": url, "status": clip.status if clip else "expired",
        "progress": round(clip.progress, 3) if clip else 0.0, "item": clip_req.rendition.item.reference,
        "rendition": clip_req.rendition_id, "mode": clip_req.mode, "in_frame": clip_req.start,
        "out_frame": clip_req.end, "frames": clip_req.end - clip_req.start}
    if clip is None:
        out["error"] = {"status": 410, "code": "clip_expired", "errors": [],
                        "message": _("This clip is no longer kept; ask for it again.")}
    elif clip.status == ClipStatus.READY:
        out["tc_in"], out["tc_out"] = clips.source_timecodes(clip)
        out.update(filename=clips.clip_filename(clip), size=clip.size, file=f"{url}/file")
    elif clip.status == ClipStatus.FAILED:
        out["error"] = {"status": 422, "code": "clip_failed", "errors": [], "message": _(
            "This clip could not be made. Try another range or version, or contact the press office.")}
    return out


def _clipper(request: HttpRequest) -> User:
    """A download-scoped token whose owner may have clips (verified, terms accepted), and within the per-token
    allowance."""
    user = require_scope(request, Scope.DOWNLOAD)
    verdict = account_verdict(user)
    if verdict != Verdict.ALLOWED:
        raise refused(request, verdict)
    token = caller_of(request).token
    assert token is not None
    wait = hit(f"api:clips:{token.prefix}", limit=settings.NEWSREEL_CLIP_REQUESTS_PER_HOUR, window=3600)
    if wait:
        raise _too_many(wait)
    return user


def _too_many(wait: int) -> ApiError:
    return ApiError(429, "rate_limited", _("You have asked for many clips in the last hour; please try again later."),
                    headers={"Retry-After": str(wait)})


def _cuttable(user: User, rendition_id: int) -> Rendition:
    rendition = (Rendition.objects.select_related("item")
                 .filter(pk=rendition_id, item__in=Item.objects.reachable().filter(kind=Kind.VIDEO)).first())
    if rendition is None or not clips.clippable(user, rendition):
        # Not found rather than refused: a restricted version is not announced (downloads/access.py).
        raise not_found(_("No such version of a video to cut."))
    if rendition.item.is_withdrawn:
        raise ApiError(410, "withdrawn", _("This item was withdrawn."))
    return rendition


def _user_wait(user: User) -> int:
    """Seconds until the user's oldest clip request of the last hour leaves the portal's hourly count."""
    oldest = ClipRequest.objects.filter(user=user, created_at__gte=timezone.now() - dt.timedelta(hours=1)) \
        .order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is None:
        return 1
    return max(1, math.ceil((oldest + dt.timedelta(hours=1) - timezone.now()).total_seconds()))


@router.post("", response=with_errors({202: ClipOut}, 403, 410), summary="Ask for a clip",
             operation_id="clip_create")
def clip_create(request: HttpRequest, response: HttpResponse, payload: ClipByTimecodes | ClipByFrames) -> Any:
    """Start cutting a clip (or find it in the cache). Answers 202 and the job, at `url` (also in `Location`);
    poll it until `status` is `ready`, then fetch `file`. Needs the `download` scope, a verified address and
    the current terms accepted, as clips do on the portal."""
    user = _clipper(request)
    rendition = _cuttable(user, payload.rendition)
    try:
        if isinstance(payload, ClipByFrames):
            frames = clips.frame_range_of_frames(rendition, payload.in_frame, payload.out_frame)
        else:
            frames = clips.frame_range(rendition, payload.tc_in, payload.tc_out)
        clip_req = clips.clip_request(user=user, rendition=rendition, start=frames.start, end=frames.end,
                                      mode=payload.mode, rate=frames.rate, captions=payload.captions)
    except clips.ClipLimitReached as exc:
        raise _too_many(_user_wait(user)) from exc
    except clips.ClipRefused as exc:
        raise ApiError(422, "invalid_request", exc.message, errors=[
            {"loc": ["body", "payload"], "message": exc.message, "type": "clip_refused"}]) from exc
    clip_req = ClipRequest.objects.select_related("clip", "rendition__item").get(pk=clip_req.pk)
    body = _clip_out(request, clip_req)
    response["Location"] = body["url"]
    return Status(202, body)



def _own(request: HttpRequest, clip_id: int) -> ClipRequest:
    user = require_scope(request, Scope.DOWNLOAD)
    clip_req = ClipRequest.objects.select_related("clip", "rendition__item").filter(pk=clip_id, user=user).first()
    if clip_req is None:
        raise not_found(_("No such clip."))
    return clip_req


@router.get("/{clip_id}", response=with_errors({200: ClipOut}, 403), summary="A clip job",
            operation_id="clip_detail")
def clip_detail(request: HttpRequest, response: HttpResponse, clip_id: int = CLIP_ID) -> Any:
    """The job's status (`queued`, `running`, `ready`, `failed`, or `expired` once evicted from the cache),
    its progress from 0 to 1, and when ready the file's link; a failure is told in `error`, in the error body's
    shape. Only the token owner's own clips are found."""
    response["Cache-Control"] = "no-store"
    return _clip_out(request, _own(request, clip_id))


@router.get("/{clip_id}/file", response=with_errors({200: None, 206: None, 304: None}, 403, 409, 410, 416),
            summary="Download a clip", operation_id="clip_file")
def clip_file(request: HttpRequest, clip_id: int = CLIP_ID) -> Any:
    """The clip's file once `ready` (Range and If-Range as for whole files), logged as a clip download; 409
    while it is being made."""
    clip_req = _own(request, clip_id)
    user = clip_req.user
    verdict = account_verdict(user)
    if verdict == Verdict.ALLOWED:
        verdict = may_download(user, clip_req.rendition)
    if verdict != Verdict.ALLOWED:
        raise refused(request, verdict)
    clip = clip_req.clip
    if clip is None:
        raise ApiError(410, "clip_expired", _("This clip is no longer kept; ask for it again."))
    if clip.status != ClipStatus.READY:
        raise ApiError(409, "clip_not_ready", _("This clip is not ready yet."), headers={"Retry-After": "2"})
    sent = clips.send_clip(as_sent(request), clip_req, clip)
    if sent is None:
        raise ApiError(410, "clip_expired", _("This clip is no longer kept; ask for it again."))
    return sent
