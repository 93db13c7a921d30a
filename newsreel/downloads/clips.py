"""Clip requests: validation, the render-once cache with LRU eviction, bounded rendering, notification.

A clip is identified by what it is cut from (the rendition's checksum), its frame range and mode, so the same
request from anyone is rendered once. A video item's audio-only renditions (WAV, MP3) are cut too: the frames
the user marks on the video player are turned into instants at the video's frame rate and cut to the sample
(newsreel.media.audio.cut); audio has one mode only, sample-exact, so "fast" is taken as "accurate".

Short clips are cut while the request waits when a render slot is free; longer ones, or any when the slots are
busy, go to the "clips" task queue and their requesters get an e-mail. Either way the cut runs in a child process
(media.clip.job through media.isolated), never in the web server's or the worker's own process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from newsreel.captions.export import clip_tracks
from newsreel.catalogue.models import Item, Rendition, Role
from newsreel.downloads.access import Verdict, may_download
from newsreel.downloads.delivery import Response, send_logged
from newsreel.downloads.models import ClipCache, ClipRequest, ClipStatus, DownloadKind, RenderSlot
from newsreel.media.audio.cut import audio_info
from newsreel.media.clip.job import ClipJobResult
from newsreel.media.clip.video import ClipError, source_info
from newsreel.media.isolated import run_isolated
from newsreel.media.renditions import sha256_of
from newsreel.media.timecode import TimecodeError, frames_to_timecode, timecode_to_frames

log = logging.getLogger(__name__)

# Roles the engines can cut: video (MP4/MOV) by smart cut, and the audio-only renditions of a video item to the
# sample, at instants given by the video's frames. Downloads only: the web video is a preview (access.py).
VIDEO_ROLES = {Role.BROADCAST, Role.PROXY, Role.MASTER}
AUDIO_ROLES = {Role.AUDIO_WAV, Role.AUDIO_MP3}
CLIPPABLE_ROLES = VIDEO_ROLES | AUDIO_ROLES

CONTENT_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".wav": "audio/wav", ".mp3": "audio/mpeg"}
_AUDIO_SUFFIXES = {Role.AUDIO_WAV: ".wav", Role.AUDIO_MP3: ".mp3"}


class ClipRefused(Exception):
    """A request we will not render, with a message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ClipLimitReached(ClipRefused):
    """The user asked for too many clips in the last hour (the API answers 429 for it)."""


@dataclass(frozen=True)
class FrameRange:
    start: int  # frames from the rendition's first frame
    end: int  # exclusive
    rate: Fraction


def video_rate(item: Item) -> Fraction | None:
    """The frame rate the item's player counts in (its own, else its web or broadcast version's, as the page
    gives it to the player), else that read from one of its video files; None for an item without video."""
    if item.rate:
        return item.rate
    videos = [r for role in (Role.WEB, Role.BROADCAST, Role.PROXY, Role.MASTER) if (r := item.rendition(role))]
    for rendition in videos:
        if rendition.rate:
            return rendition.rate
    for rendition in videos:
        try:
            return source_info(Path(rendition.file.path)).rate
        except ClipError:
            continue
    return None


def _audio_rate(rendition: Rendition) -> Fraction:
    """The frame rate an audio rendition's clips are counted in: its item's video's."""
    rate = video_rate(rendition.item)
    if rate is None:
        raise ClipError(f"{rendition}: no video frame rate to count the audio in")
    return rate


def _origin(item: Item, rate: Fraction) -> int:
    """The frame number the item's start timecode stands for (0 without one, or with a bad one)."""
    try:
        return timecode_to_frames(item.start_timecode, rate) if item.start_timecode else 0
    except TimecodeError:
        return 0


def _audio_frames(rendition: Rendition) -> tuple[Fraction, int]:
    """The video's frame rate and how many whole frames of it the audio file lasts."""
    rate = _audio_rate(rendition)
    info = audio_info(Path(rendition.file.path))
    frames = info.samples * rate // info.sample_rate
    if round((frames + 1) / rate * info.sample_rate) <= info.samples:  # the last frame may round into the file
        frames += 1
    return rate, int(frames)


def player_range_messages() -> dict[str, str]:
    """The video messages of frame_range for the player's own check (same texts, %(name)s filled in by it)."""
    return {"in_before": _("The in point %(tc)s is before the start of the video (%(start)s)."),
            "in_after": _("The in point %(tc)s is past the end of the video (%(end)s)."),
            "out_after": _("The out point %(tc)s is past the end of the video (%(end)s).")}


def frame_range(rendition: Rendition, tc_in: str, tc_out: str) -> FrameRange:
    """Source timecodes as the player shows them (item start timecode + frame) to frames of the file.

    For an audio rendition, frames of the item's video from the audio's first sample."""
    audio = rendition.role in AUDIO_ROLES
    rate, total = _length(rendition, audio)
    origin = _origin(rendition.item, rate)
    start = _frame_of(tc_in, rate) - origin
    end = _frame_of(tc_out, rate) - origin
    _check_within(audio, start, end, total, origin, rate, tc_in, tc_out)
    if end <= start:
        raise ClipRefused(_("The out point must come after the in point."))
    if (end - start) / rate > settings.NEWSREEL_CLIP_MAX_SECONDS:
        raise ClipRefused(_("A clip can be at most %(n)d minutes long; download the whole file instead.")
                          % {"n": settings.NEWSREEL_CLIP_MAX_SECONDS // 60})
    return FrameRange(start, end, rate)


def frame_range_of_frames(rendition: Rendition, start: int, end: int) -> FrameRange:
    """Frames of the file (first included, `end` excluded) checked as frame_range checks timecodes: for clients
    that count frames rather than read the player's timecodes (the API)."""
    rate, _total = _length(rendition, rendition.role in AUDIO_ROLES)
    origin = _origin(rendition.item, rate)
    return frame_range(rendition, frames_to_timecode(origin + start, rate), frames_to_timecode(origin + end, rate))


def clippable(user: User, rendition: Rendition) -> bool:
    """Whether `user` may cut `rendition`: a version the engines can cut, which they may download."""
    return rendition.role in CLIPPABLE_ROLES and may_download(user, rendition) == Verdict.ALLOWED


def _length(rendition: Rendition, audio: bool) -> tuple[Fraction, int]:
    """The frame rate the rendition is counted in, and its length in those frames."""
    try:
        if audio:
            return _audio_frames(rendition)
        info = source_info(Path(rendition.file.path))
        return info.rate, info.frames
    except ClipError as exc:
        log.warning("cannot index %s: %s", rendition, exc)
        raise ClipRefused(_("This version cannot be cut.")) from exc


def _frame_of(text: str, rate: Fraction) -> int:
    try:
        return timecode_to_frames(text.strip(), rate)
    except TimecodeError as exc:
        raise ClipRefused(_("“%(tc)s” is not a timecode: type HH:MM:SS:FF.") % {"tc": text[:20]}) from exc


def _check_within(audio: bool, start: int, end: int, total: int, origin: int, rate: Fraction, tc_in: str,
                  tc_out: str) -> None:
    """Refuse a point outside the file, named as such before the order of the points is judged."""
    first_tc = frames_to_timecode(origin, rate)
    end_tc = frames_to_timecode(origin + total, rate)
    tcs = {"tc_in": frames_to_timecode(origin + start, rate) if origin + start >= 0 else tc_in.strip(),
           "tc_out": frames_to_timecode(origin + end, rate) if origin + end >= 0 else tc_out.strip()}
    if start < 0:
        if audio:
            raise ClipRefused(_("The in point %(tc)s is before the start of the audio (%(start)s).")
                              % {"tc": tcs["tc_in"], "start": first_tc})
        raise ClipRefused(_("The in point %(tc)s is before the start of the video (%(start)s).")
                          % {"tc": tcs["tc_in"], "start": first_tc})
    if start >= total:
        if audio:
            raise ClipRefused(_("The in point %(tc)s is past the end of the audio (%(end)s).")
                              % {"tc": tcs["tc_in"], "end": end_tc})
        raise ClipRefused(_("The in point %(tc)s is past the end of the video (%(end)s).")
                          % {"tc": tcs["tc_in"], "end": end_tc})
    if end > total:
        if audio:
            raise ClipRefused(_("The out point %(tc)s is past the end of the audio (%(end)s).")
                              % {"tc": tcs["tc_out"], "end": end_tc})
        raise ClipRefused(_("The out point %(tc)s is past the end of the video (%(end)s).")
                          % {"tc": tcs["tc_out"], "end": end_tc})


def clip_request(*, user: User, rendition: Rendition, start: int, end: int, mode: str,
                 rate: Fraction, captions: bool = False) -> ClipRequest:
    """Record the request and make sure the clip exists or is on its way (rendering it now if short).

    `captions`: carry the item's published captions, cut to the clip, as a mov_text track per language (video
    only; a clip with no cue in it is the plain clip)."""
    if mode not in ("accurate", "fast"):
        raise ClipRefused(_("Choose frame-accurate or fast."))
    if rendition.role in AUDIO_ROLES:
        mode = "accurate"  # audio is always cut to the sample: "fast" would be the very same file
    tracks = clip_tracks(rendition.item, start, end, rate) if captions and rendition.role in VIDEO_ROLES else []
    request = _counted_request(user=user, rendition=rendition, start=start, end=end, mode=mode, tracks=tracks)
    clip = request.clip
    assert clip is not None
    if clip.status == ClipStatus.READY and clip_path(clip).exists():
        touch(clip)
        return request
    if clip.status in (ClipStatus.READY, ClipStatus.FAILED):  # file lost, or a retry after a failure
        ClipCache.objects.filter(pk=clip.pk).update(status=ClipStatus.QUEUED, progress=0, message="")
        clip.status = ClipStatus.QUEUED
    short = (end - start) / rate <= settings.NEWSREEL_CLIP_SYNC_SECONDS
    if clip.status == ClipStatus.QUEUED and short and not clip.message.startswith("task:"):
        slot = acquire_slot()
        if slot is not None:
            try:
                render_clip(clip_id=clip.pk)
            finally:
                release_slot(slot)
            clip.refresh_from_db()
            return request
    clip.notify.add(user)
    if clip.status == ClipStatus.QUEUED and not clip.message.startswith("task:"):
        transaction.on_commit(lambda: _enqueue(clip.pk))
    return request


def _counted_request(*, user: User, rendition: Rendition, start: int, end: int, mode: str,
                     tracks: list[dict[str, object]]) -> ClipRequest:
    """Check the hourly limit and record the request as one step, so parallel requests cannot all pass a check
    made before any of them is recorded."""
    since = timezone.now() - dt.timedelta(hours=1)
    with transaction.atomic():
        # The user's row lock queues one user's requests on PostgreSQL; SQLite needs none, as its transactions
        # here are IMMEDIATE (the write lock is taken at BEGIN, before the count).
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        if ClipRequest.objects.filter(user=user, created_at__gte=since).count() >= \
                settings.NEWSREEL_CLIP_REQUESTS_PER_HOUR:
            raise ClipLimitReached(_("You have asked for many clips in the last hour; please try again later."))
        clip = _cache_entry(rendition, start, end, mode, tracks)
        return ClipRequest.objects.create(user=user, clip=clip, rendition=rendition, start=start, end=end,
                                          mode=mode)


def captions_key(tracks: list[dict[str, object]]) -> str:
    """"" without captions, else their languages and a digest of the cut cues: edited captions, another clip."""
    if not tracks:
        return ""
    digest = hashlib.sha256(json.dumps(tracks, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return ",".join(str(t["language"]) for t in tracks)[:80] + ":" + digest


def _cache_entry(rendition: Rendition, start: int, end: int, mode: str,
                 tracks: list[dict[str, object]]) -> ClipCache:
    # Ingest always records a checksum; a hand-made rendition without one must not share another's clips.
    source = rendition.sha256 or f"rendition-{rendition.pk}"
    key = {"source_sha256": source, "start": start, "end": end, "mode": mode, "captions": captions_key(tracks)}
    try:
        with transaction.atomic():
            clip, _created = ClipCache.objects.get_or_create(**key, defaults={"rendition": rendition,
                                                                              "caption_tracks": tracks})
    except IntegrityError:  # a concurrent request created it first
        clip = ClipCache.objects.get(**key)
    return clip


def _enqueue(clip_id: int) -> None:
    from newsreel.downloads.tasks import render_clip_task

    # Mark it so that a second requester doesn't queue the same render again.
    ClipCache.objects.filter(pk=clip_id, status=ClipStatus.QUEUED).update(message="task:queued")
    render_clip_task.enqueue(clip_id)


def clip_path(clip: ClipCache) -> Path:
    return Path(settings.MEDIA_ROOT) / clip.file if clip.file else Path(settings.MEDIA_ROOT) / "clips" / "missing"


def render_clip(*, clip_id: int) -> ClipCache:
    """Render one cache entry. Idempotent: a finished entry is left alone; a crashed attempt is redone."""
    claimed = ClipCache.objects.filter(pk=clip_id, status__in=[ClipStatus.QUEUED, ClipStatus.RUNNING]).update(
        status=ClipStatus.RUNNING, progress=0.0)
    clip = ClipCache.objects.select_related("rendition__item").get(pk=clip_id)
    if not claimed:
        return clip
    rendition = clip.rendition
    source = Path(rendition.file.path)
    audio = rendition.role in AUDIO_ROLES
    if audio:
        suffix = _AUDIO_SUFFIXES[Role(rendition.role)]
    else:
        suffix = ".mov" if source.suffix.lower() == ".mov" else ".mp4"
    captioned = f"-cc{clip.captions.rsplit(':', 1)[-1]}" if clip.captions else ""
    name = f"{clip.source_sha256[:16]}-{clip.start}-{clip.end}-{clip.mode}{captioned}{suffix}"
    relative = Path("clips") / clip.source_sha256[:2] / name
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{uuid.uuid4().hex}{suffix}")
    last = [0.0]

    def progress(fraction: float) -> None:
        if fraction - last[0] >= 0.05 or fraction >= 1.0:
            last[0] = fraction
            ClipCache.objects.filter(pk=clip_id).update(progress=min(1.0, fraction))

    try:
        result = _cut_in_child(clip, source, tmp, audio=audio, progress=progress)
    except BaseException:
        tmp.unlink(missing_ok=True)
        ClipCache.objects.filter(pk=clip_id).update(status=ClipStatus.QUEUED, message="")
        raise
    if result.error:
        tmp.unlink(missing_ok=True)
        ClipCache.objects.filter(pk=clip_id).update(status=ClipStatus.FAILED, message=result.error)
        clip.refresh_from_db()
        return clip
    first_frame, stop_frame = result.first_frame, result.stop_frame
    os.replace(tmp, target)
    size = target.stat().st_size
    ClipCache.objects.filter(pk=clip_id).update(
        status=ClipStatus.READY, progress=1.0, message="", file=str(relative), size=size, sha256=sha256_of(target),
        first_frame=first_frame, stop_frame=stop_frame, last_used_at=timezone.now())
    evict(keep=clip_id)
    clip.refresh_from_db()
    _notify(clip)
    return clip


def _cut_in_child(clip: ClipCache, source: Path, tmp: Path, *, audio: bool,
                  progress: Callable[[float], None]) -> ClipJobResult:
    """Cut in a child process (media.clip.job): under gunicorn this runs in a web worker's request thread,
    where PyAV's decoders, encoders and their memory must not stay for the life of the process."""
    try:
        audio_rate = _audio_rate(clip.rendition) if audio else None
    except ClipError as exc:
        return ClipJobResult(error=str(exc))

    def on_message(kind: str, value: Any) -> None:
        if kind == "progress":
            progress(value)

    result, _child = run_isolated(
        "newsreel.media.clip.job:clip_job",
        {"source": str(source), "target": str(tmp), "start": clip.start, "end": clip.end, "mode": clip.mode,
         "audio_rate": audio_rate, "captions": clip.caption_tracks or None},
        # As when it ran in this process: no time limit of its own (a render slot's lease bounds how long
        # a request's render keeps others waiting, not the render).
        time_limit=lambda: math.inf, on_message=on_message)
    assert isinstance(result, ClipJobResult)
    return result


def evict(*, keep: int | None = None) -> list[int]:
    """Delete least recently used clips until the cache fits its size limit."""
    limit = settings.NEWSREEL_CLIP_CACHE_BYTES
    ready = ClipCache.objects.filter(status=ClipStatus.READY)
    total = ready.aggregate(total=Sum("size"))["total"] or 0
    removed: list[int] = []
    candidates = ready.exclude(pk=keep) if keep is not None else ready
    for clip in candidates.order_by("last_used_at", "pk").iterator():
        if total <= limit:
            break
        clip_path(clip).unlink(missing_ok=True)
        ClipCache.objects.filter(pk=clip.pk).delete()
        total -= clip.size
        removed.append(clip.pk)
    return removed


def _notify(clip: ClipCache) -> None:
    """E-mail those who asked for a queued clip: they may have left the page."""
    users = list(clip.notify.all())
    for user in users:
        request = ClipRequest.objects.filter(user=user, clip=clip).order_by("-created_at").first()
        if request is None or not user.email:
            continue
        profile = getattr(user, "profile", None)
        lang = getattr(profile, "language", "") or settings.LANGUAGE_CODE
        with translation.override(lang):
            url = settings.SITE_URL + reverse("downloads:clip_status", args=[request.pk])
            name = clip_filename(clip)
            context = {"clip": clip, "request": request, "item": clip.rendition.item, "url": url, "name": name}
            subject = _("Your clip is ready: %(name)s") % {"name": name}
            body = render_to_string("downloads/email/clip_ready.txt", context)
        send_mail(subject, body, None, [user.email])
    clip.notify.clear()


def send_clip(request: HttpRequest, clip_req: ClipRequest, clip: ClipCache) -> Response | None:
    """Send a ready clip, logged as a clip download (portal and API alike); None when its file is gone."""
    path = clip_path(clip)
    if not path.is_file():
        return None
    touch(clip)
    tc_in, tc_out = source_timecodes(clip)
    return send_logged(request, path, media_name=clip.file,
                       content_type=CONTENT_TYPES.get(path.suffix.lower(), "video/mp4"), sha256=clip.sha256,
                       filename=clip_filename(clip), kind=DownloadKind.CLIP,
                       item_id=clip_req.rendition.item_id, rendition_id=clip_req.rendition_id,
                       role=clip_req.rendition.role, clip_in=tc_in, clip_out=tc_out)


def clip_filename(clip: ClipCache) -> str:
    """Say what it is: reference, source in and out timecodes, version, e.g.
    V-2026-0001_00-00-17-13_00-04-23-07_broadcast.mp4 or V-2026-0001_00-00-17-13_00-04-23-07_audio_wav.wav."""
    rendition = clip.rendition
    if rendition.role in AUDIO_ROLES:
        rate = video_rate(rendition.item) or Fraction(25)
    else:
        rate = rendition.rate or rendition.item.rate or Fraction(25)
    origin = _origin(rendition.item, rate)
    first = clip.first_frame if clip.stop_frame else clip.start
    stop = clip.stop_frame or clip.end
    tc_in, tc_out = (frames_to_timecode(origin + f, rate).replace(":", "-").replace(";", "-") for f in (first, stop))
    suffix = Path(clip.file).suffix or _AUDIO_SUFFIXES.get(Role(rendition.role), ".mp4")
    return f"{rendition.item.reference}_{tc_in}_{tc_out}_{rendition.role}{suffix}"


def source_timecodes(clip: ClipCache) -> tuple[str, str]:
    name = clip_filename(clip).split("_")
    return name[1].replace("-", ":"), name[2].replace("-", ":")


# --- Render slots: a cap on synchronous renders across all web processes -----------------------------------

def acquire_slot() -> int | None:
    """A free slot number, or None. A slot held longer than its lease (a killed process) is free again."""
    now = timezone.now()
    count = settings.NEWSREEL_CLIP_SYNC_SLOTS
    RenderSlot.objects.bulk_create([RenderSlot(pk=n) for n in range(count)], ignore_conflicts=True)
    lease = now + dt.timedelta(seconds=settings.NEWSREEL_CLIP_SLOT_LEASE)
    free = Q(busy_until__isnull=True) | Q(busy_until__lt=now)
    for n in range(count):
        if RenderSlot.objects.filter(free, pk=n).update(busy_until=lease):
            return n
    return None


def release_slot(slot: int) -> None:
    RenderSlot.objects.filter(pk=slot).update(busy_until=None)


def touch(clip: ClipCache) -> None:
    """Mark as recently used, for eviction."""
    ClipCache.objects.filter(pk=clip.pk).update(last_used_at=timezone.now())
