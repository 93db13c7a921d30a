"""Masters in, renditions out: the writes of the ingest pipeline.

A job is idempotent. The engine writes fixed file names (each atomically), and the database rows of the
renditions are replaced in one transaction at the end, so a job that is retried, duplicated or killed half-way
leaves exactly one complete set of renditions once any attempt finishes.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from newsreel.catalogue.models import Item, Kind, Rendition, Role
from newsreel.catalogue.services import rendition_dir
from newsreel.ingest.models import IngestJob, JobStatus
from newsreel.media.probe import MediaInfo, PhotoCredits, probe
from newsreel.media.render import render_master
from newsreel.media.renditions import RenditionFile, sha256_of
from newsreel.media.safeio import UnsupportedMedia

log = logging.getLogger(__name__)

MASTER_SUFFIX = {"mp4": ".mp4", "mov": ".mov", "mxf": ".mxf", "wav": ".wav", "mp3": ".mp3", "aac": ".aac",
                 "jpeg": ".jpg", "png": ".png", "tiff": ".tif"}
MASTER_MIME = {"mp4": "video/mp4", "mov": "video/quicktime", "mxf": "application/mxf", "wav": "audio/wav",
               "mp3": "audio/mpeg", "aac": "audio/aac", "jpeg": "image/jpeg", "png": "image/png",
               "tiff": "image/tiff"}
KIND_OF = {"video": Kind.VIDEO, "audio": Kind.AUDIO, "photo": Kind.PHOTO}


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _master_mime(container: str, kind: str) -> str:
    if container == "mp4" and kind == "audio":
        return "audio/mp4"
    return MASTER_MIME.get(container, "application/octet-stream")


def store_master(*, item: Item, source: Path, move: bool = False) -> Rendition:
    """Put a master into the item's storage under a system-chosen name and record it.

    The name comes from the probed container, never from the uploaded file name.
    """
    info = probe(source)
    suffix = ".m4a" if (info.container, info.kind) == ("mp4", "audio") else MASTER_SUFFIX.get(info.container, ".bin")
    relative = rendition_dir(item) / f"master{suffix}"
    target = _media_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    if move:
        shutil.move(str(source), tmp)
    else:
        shutil.copyfile(source, tmp)
    tmp.replace(target)
    for old in item.renditions.filter(role=Role.MASTER).exclude(file=str(relative)):
        Path(old.file.path).unlink(missing_ok=True)
        old.delete()
    rendition, _created = Rendition.objects.update_or_create(item=item, role=Role.MASTER, defaults={
        "file": str(relative), "size": target.stat().st_size, "sha256": sha256_of(target),
        "container": info.container, "mime_type": _master_mime(info.container, info.kind)})
    return rendition


def ingest_file(*, item: Item, source: Path, move: bool = False) -> IngestJob:
    """Store `source` as the item's master and queue its processing.

    A file that is not acceptable media is refused before it is stored; the item gets a failed job that
    says why, so the editor sees it where they look for progress.
    """
    try:
        with transaction.atomic():
            master = store_master(item=item, source=source, move=move)
            return queue_job(item=item, master=master)
    except UnsupportedMedia as exc:
        return IngestJob.objects.create(item=item, master_sha256="", status=JobStatus.FAILED, message=str(exc),
                                        finished_at=timezone.now())


def queue_job(*, item: Item, master: Rendition | None = None) -> IngestJob:
    from newsreel.ingest.tasks import process_master

    master = master or item.rendition(Role.MASTER)
    if master is None:
        raise ValueError(_("This item has no master file to process."))
    job = IngestJob.objects.create(item=item, master_sha256=master.sha256)
    transaction.on_commit(lambda: _enqueue(job.pk, process_master))
    return job


def _enqueue(job_id: int, task: object) -> None:
    result = task.enqueue(job_id)  # type: ignore[attr-defined]
    IngestJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def create_item_for_file(*, source: Path, title: str = "") -> Item:
    """A draft item for a master brought in in bulk; its type is decided by probing the content."""
    info = probe(source)
    item = Item(kind=KIND_OF[info.kind], title_en=title or source.stem.replace("_", " ")[:250])
    item.save()
    return item


_niced = False


def _lower_priority() -> None:
    """Media work runs below the web server's priority, once per worker process."""
    global _niced
    # A worker started niced (`newsreel serve`, systemd's Nice=) is not lowered a second time.
    if not _niced and settings.NEWSREEL_WORKER_NICE and os.nice(0) < settings.NEWSREEL_WORKER_NICE:
        os.nice(settings.NEWSREEL_WORKER_NICE - os.nice(0))
    _niced = True


class _ProgressWriter:
    """Writes progress to the job row at most once a second, so the back office can show it."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last >= 1.0 or fraction >= 1.0:
            self.last = now
            IngestJob.objects.filter(pk=self.job_id).update(progress=min(1.0, max(0.0, fraction)))


def run_job(*, job_id: int, progress_hook: Callable[[float], None] | None = None) -> IngestJob:
    """Process one job. Safe to call twice for the same job, or for a job a dead worker left running."""
    claimed = IngestJob.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now(), progress=0.0, message="")
    job = IngestJob.objects.select_related("item").get(pk=job_id)
    if not claimed:
        return job  # already finished
    item = job.item
    master = item.rendition(Role.MASTER)
    if master is None or master.sha256 != job.master_sha256:
        return _finish(job, JobStatus.FAILED, _("A newer master replaced this one; see the latest job."))
    _lower_priority()
    started = time.time()
    out_dir = _media_root() / rendition_dir(item) / "derived"
    writer = _ProgressWriter(job.pk)

    def progress(fraction: float) -> None:
        writer(fraction)
        if progress_hook is not None:
            progress_hook(fraction)

    try:
        credits = PhotoCredits(creator=None, credit_line=item.credit or None, copyright_notice=item.copyright or None)
        info, files = render_master(Path(master.file.path), out_dir, credits=credits, progress=progress,
                                    threads=settings.NEWSREEL_TRANSCODE_THREADS)
        if KIND_OF[info.kind] != item.kind:
            raise UnsupportedMedia(_("The master is %(found)s but the item is a %(kind)s.")
                                   % {"found": info.kind, "kind": item.get_kind_display().lower()})
    except UnsupportedMedia as exc:
        return _finish(job, JobStatus.FAILED, str(exc))
    except Exception as exc:
        log.exception("ingest job %s failed", job.pk)
        _finish(job, JobStatus.FAILED, _("Processing failed unexpectedly (%(error)s). Retry, or contact the "
                                         "administrator if it fails again.") % {"error": type(exc).__name__})
        raise
    _record(item=item, master=master, info=info, files=files, out_dir=out_dir, started=started)
    return _finish(job, JobStatus.DONE, "")


def _record(*, item: Item, master: Rendition, info: MediaInfo, files: list[RenditionFile], out_dir: Path,
            started: float) -> None:
    root = _media_root()
    with transaction.atomic():
        item.renditions.exclude(role=Role.MASTER).delete()
        Rendition.objects.bulk_create([
            Rendition(item=item, role=f.role, file=str(f.path.relative_to(root)), container=f.container,
                      mime_type=f.mime_type, video_codec=f.video_codec or "", audio_codec=f.audio_codec or "",
                      width=f.width, height=f.height, frame_rate=_rate(f.frame_rate), duration=f.duration,
                      bitrate=f.bitrate, size=f.size_bytes, sha256=f.sha256)
            for f in files
        ])
        video, audio = info.video, info.audio
        master.container = info.container
        master.video_codec = video.codec if video else ""
        master.audio_codec = audio.codec if audio else ""
        master.width = video.width if video else (info.photo.display_size[0] if info.photo else None)
        master.height = video.height if video else (info.photo.display_size[1] if info.photo else None)
        master.frame_rate = _rate(video.frame_rate) if video else ""
        master.duration = info.duration
        master.bitrate = info.bitrate
        master.save()
        if video:
            item.frame_rate = _rate(video.frame_rate)
            item.start_timecode = info.start_timecode or ""
        item.duration = info.duration
        item.save(update_fields=["frame_rate", "start_timecode", "duration", "updated_at"])
    keep = {f.path.name for f in files}
    for stale in out_dir.iterdir():
        if not stale.is_file() or stale.name in keep:
            continue
        # Hidden partial files are removed only when older than this attempt: they were left by a dead one,
        # not written by a duplicate of this job running right now.
        if not stale.name.startswith(".") or stale.stat().st_mtime < started:
            stale.unlink(missing_ok=True)


def _rate(rate: object) -> str:
    return "" if rate is None else str(rate)


def _finish(job: IngestJob, status: str, message: str) -> IngestJob:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    if status == JobStatus.DONE:
        job.progress = 1.0
    job.save(update_fields=["status", "message", "finished_at", "progress"])
    return job


def latest_job(item: Item) -> IngestJob | None:
    return item.ingest_jobs.order_by("-created_at", "-id").first()


def spooled_copy(upload: object) -> Path:
    """A path on disk for an uploaded file, next to the media root so that storing it is a rename."""
    temp_path = getattr(upload, "temporary_file_path", None)
    if callable(temp_path):
        return Path(temp_path())
    spool = _media_root() / "uploads"
    spool.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=spool)
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload.chunks():  # type: ignore[attr-defined]
            fh.write(chunk)
    return Path(name)
