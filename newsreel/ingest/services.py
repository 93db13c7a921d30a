"""Masters in, renditions out: the writes of the ingest pipeline.

A job is idempotent and completes exactly once. An attempt claims the job with a lease (a token and an expiry)
that it renews while it works; the media work itself runs in a child process (newsreel.media.isolated) under a
wall-time limit, and writes into a staging folder of the attempt's own. Only the attempt that still holds the
claim moves its files into place and records them, in one transaction with the job's status; an attempt that
lost its lease (another worker took the job over) throws its work away. See docs/workers.md.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from newsreel.catalogue.models import Item, Kind, Rendition, Role
from newsreel.catalogue.services import rendition_dir
from newsreel.ingest.models import IngestJob, JobStatus
from newsreel.media.isolated import ChildFailed, ChildReport, JobStopped, TimeLimitExceeded, run_isolated
from newsreel.media.probe import MediaInfo, PhotoCredits, probe
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


def display_name(name: str | os.PathLike[str]) -> str:
    """A file name fit to show and store: any bytes the system gave (not UTF-8 ones arrive as surrogates)
    become text, with U+FFFD where they were not UTF-8."""
    text = os.fspath(name)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def refusal(exc: UnsupportedMedia, *, shown: str, read_as: str | os.PathLike[str] | None = None) -> str:
    """The engine's reason, naming the user's file `shown` instead of the file the engine read (`read_as`:
    a stored master.jpg, a spooled upload), which the user has never heard of."""
    reason = str(exc)
    if read_as is not None:
        reason = reason.removeprefix(f"{Path(read_as).name}: ")
    return display_name(f"{shown}: {reason}")


def ingest_file(*, item: Item, source: Path, move: bool = False, source_name: str | None = None) -> IngestJob:
    """Store `source` as the item's master and queue its processing.

    A file that is not acceptable media is refused before it is stored; the item gets a failed job that
    says why, so the editor sees it where they look for progress. `source_name` is the name the editor
    knows the file by (an upload's name; by default the name of `source`).
    """
    shown = display_name(source_name if source_name is not None else source.name)
    try:
        with transaction.atomic():
            master = store_master(item=item, source=source, move=move)
            return queue_job(item=item, master=master, source_name=shown)
    except UnsupportedMedia as exc:
        return IngestJob.objects.create(item=item, master_sha256="", status=JobStatus.FAILED,
                                        message=refusal(exc, shown=shown, read_as=source), source_name=shown,
                                        finished_at=timezone.now())


def queue_job(*, item: Item, master: Rendition | None = None, source_name: str | None = None) -> IngestJob:
    from newsreel.ingest.tasks import process_master

    master = master or item.rendition(Role.MASTER)
    if master is None:
        raise ValueError(_("This item has no master file to process."))
    if source_name is None:  # a retry: the master keeps the name it came with
        source_name = (item.ingest_jobs.filter(master_sha256=master.sha256).exclude(source_name="")
                       .values_list("source_name", flat=True).first()) or ""
    job = IngestJob.objects.create(item=item, master_sha256=master.sha256, source_name=source_name)
    transaction.on_commit(lambda: _enqueue(job.pk, process_master))
    return job


def _enqueue(job_id: int, task: object) -> None:
    result = task.enqueue(job_id)  # type: ignore[attr-defined]
    IngestJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def create_item_for_file(*, source: Path, title: str = "") -> Item:
    """A draft item for a master brought in in bulk; its type is decided by probing the content."""
    info = probe(source)
    item = Item(kind=KIND_OF[info.kind], title_en=title or display_name(source.stem).replace("_", " ")[:250])
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


def _expired(now: datetime) -> Q:
    """Running jobs nobody holds any more: their lease ran out, or they were started before leases existed
    (no lease at all) longer than a lease ago."""
    lease = timedelta(seconds=settings.NEWSREEL_JOB_LEASE)
    return Q(status=JobStatus.RUNNING) & (
        Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, started_at__lt=now - lease))


class _Attempt:
    """One worker's hold on a job: every write is conditional on still holding the claim."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.token = secrets.token_hex(16)
        self.last_progress = 0.0

    def _lease_end(self) -> object:
        return timezone.now() + timedelta(seconds=settings.NEWSREEL_JOB_LEASE)

    def claim(self) -> bool:
        now = timezone.now()
        free = Q(status=JobStatus.QUEUED) | _expired(now)
        return bool(IngestJob.objects.filter(free, pk=self.job_id).update(
            status=JobStatus.RUNNING, claim=self.token, lease_expires_at=self._lease_end(),
            attempts=F("attempts") + 1, started_at=now, progress=0.0, message=""))

    def _mine(self) -> QuerySet[IngestJob]:
        return IngestJob.objects.filter(pk=self.job_id, claim=self.token, status=JobStatus.RUNNING)

    def renew(self) -> bool:
        """The heartbeat: False once another worker has taken the job over."""
        return bool(self._mine().update(lease_expires_at=self._lease_end()))

    def progress(self, fraction: float) -> None:
        # At most once a second: the back office shows it, and each write renews the lease too.
        now = time.monotonic()
        if now - self.last_progress >= 1.0 or fraction >= 1.0:
            self.last_progress = now
            self._mine().update(progress=min(1.0, max(0.0, fraction)), lease_expires_at=self._lease_end())

    def holds(self) -> bool:
        """Inside a transaction: lock the job row and tell whether this attempt still holds it."""
        return self._mine().select_for_update().exists()

    def finish(self, status: str, message: str, **fields: object) -> bool:
        done = {"progress": 1.0} if status == JobStatus.DONE else {}
        return bool(self._mine().update(status=status, message=message, finished_at=timezone.now(),
                                        lease_expires_at=None, **done, **fields))


def run_job(*, job_id: int, progress_hook: Callable[[float], None] | None = None) -> IngestJob:
    """Process one job, unless another attempt holds it. Safe to call twice for the same job, or for a job
    whose worker died (once its lease has run out)."""
    attempt = _Attempt(job_id)
    claimed = attempt.claim()
    job = IngestJob.objects.select_related("item").get(pk=job_id)
    if not claimed:
        return job  # finished, or held by a live attempt
    master = job.item.rendition(Role.MASTER)
    if master is None or master.sha256 != job.master_sha256:
        attempt.finish(JobStatus.FAILED, _("A newer master replaced this one; see the latest job."))
        return _reloaded(job)
    _lower_priority()
    render = _Render(attempt=attempt, job=job, master=master, progress_hook=progress_hook)
    rendered = render.run()
    if rendered is not None:
        render.keep(*rendered)
    return _reloaded(job)


class _Render:
    """One attempt's render of a master in the child process, from its staging folder to the renditions
    recorded, or to the job's failure."""

    def __init__(self, *, attempt: _Attempt, job: IngestJob, master: Rendition,
                 progress_hook: Callable[[float], None] | None) -> None:
        self.attempt = attempt
        self.job_id = job.pk
        self.item = job.item
        self.master = master
        self.shown = job.source_name or _("the master file")
        self.progress_hook = progress_hook
        self.out_dir = _media_root() / rendition_dir(self.item) / "derived"
        self.staging = self.out_dir / f".attempt-{attempt.token}"
        self.declared = 0.0  # the master's duration as the child found it; the time limit grows with it

    def on_message(self, kind: str, value: object) -> None:
        if kind == "declared":
            self.declared = float(value)  # type: ignore[arg-type]
        elif kind == "progress":
            self.attempt.progress(float(value))  # type: ignore[arg-type]
            if self.progress_hook is not None:
                self.progress_hook(float(value))  # type: ignore[arg-type]

    def time_limit(self) -> float:
        return float(settings.NEWSREEL_JOB_TIME_BASE + settings.NEWSREEL_JOB_TIME_PER_SECOND * self.declared)

    def run(self) -> tuple[MediaInfo, list[RenditionFile], ChildReport] | None:
        """The child's result, or None when the attempt ended without one (the job says why, if still ours)."""
        item = self.item
        credits = PhotoCredits(creator=None, credit_line=item.credit or None,
                               copyright_notice=item.copyright or None)
        try:
            (info, files), report = run_isolated(
                "newsreel.media.render:render_job",
                {"master": self.master.file.path, "out_dir": str(self.staging), "credits": credits,
                 "threads": settings.NEWSREEL_TRANSCODE_THREADS},
                time_limit=self.time_limit, on_message=self.on_message, keep_going=self.attempt.renew,
                check_every=max(0.2, settings.NEWSREEL_JOB_LEASE / 4))
            if KIND_OF[info.kind] != item.kind:
                raise UnsupportedMedia(_("The master is %(found)s but the item is a %(kind)s.")
                                       % {"found": info.kind, "kind": item.get_kind_display().lower()})
        except TimeLimitExceeded as exc:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.attempt.finish(JobStatus.FAILED, _(
                "%(name)s: processing was stopped after %(seconds)d seconds, the time limit for this file. It may "
                "be damaged or built to stall the processing; check it, or ask the administrator to raise the "
                "limit.") % {"name": self.shown, "seconds": exc.seconds})
            return None
        except JobStopped:
            shutil.rmtree(self.staging, ignore_errors=True)
            log.warning("ingest job %s: lease lost to another worker; this attempt's work is discarded", self.job_id)
            return None
        except UnsupportedMedia as exc:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.attempt.finish(JobStatus.FAILED, refusal(exc, shown=self.shown, read_as=self.master.file.path))
            return None
        except ChildFailed as exc:
            shutil.rmtree(self.staging, ignore_errors=True)
            log.error("ingest job %s failed: %s\n%s", self.job_id, exc.error, exc.details)
            self.attempt.finish(JobStatus.FAILED, _("Processing failed unexpectedly (%(error)s). Retry, or contact "
                                                    "the administrator if it fails again.") % {"error": exc.error})
            raise
        return info, files, report

    def keep(self, info: MediaInfo, files: list[RenditionFile], report: ChildReport) -> None:
        """Record the renditions and finish the job, if this attempt still holds it; otherwise discard them."""
        log.info("ingest job %s: done in %.1f s, peak memory %d MB", self.job_id, report.seconds,
                 report.peak_rss >> 20)
        with transaction.atomic():
            if not self.attempt.holds():
                recorded = False
            else:
                _record(item=self.item, master=self.master, info=info, files=files, out_dir=self.out_dir,
                        staging=self.staging)
                recorded = self.attempt.finish(JobStatus.DONE, "", peak_memory=report.peak_rss)
        shutil.rmtree(self.staging, ignore_errors=True)
        if not recorded:
            log.warning("ingest job %s: lease lost before recording; this attempt's work is discarded", self.job_id)


def _reloaded(job: IngestJob) -> IngestJob:
    job.refresh_from_db()
    return job


def recover_expired_jobs() -> list[int]:
    """Queue again every job whose lease ran out: its worker died (or stalled), and another one takes it over.

    The update is conditional, so several workers sweeping at once queue each job once; an attempt that was
    only stalled finds its claim gone at its next heartbeat and stops.
    """
    from newsreel.ingest.tasks import process_master

    now = timezone.now()
    requeued = []
    expired = IngestJob.objects.filter(_expired(now))
    for job_id, task_id in expired.values_list("pk", "task_id"):
        with transaction.atomic():
            if expired.filter(pk=job_id).update(status=JobStatus.QUEUED, claim="", lease_expires_at=None):
                _close_dead_task(task_id, now)
                transaction.on_commit(lambda j=job_id: _enqueue(j, process_master))  # type: ignore[misc]
                requeued.append(job_id)
    if requeued:
        log.warning("ingest jobs %s: their workers stopped renewing their leases; queued again", requeued)
    return requeued


class LeaseExpired(Exception):
    """Names, in the task results, why a dead worker's task was closed."""


def _close_dead_task(task_id: str, now: datetime) -> None:
    """The dead worker's task row would say RUNNING for ever: close it as failed, saying why."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        task_uuid = uuid.UUID(task_id)
    except ValueError:  # not a database backend's task
        return
    DBTaskResult.objects.filter(id=task_uuid, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=f"{__name__}.LeaseExpired",
        traceback="The worker stopped renewing the job's lease (it died or stalled); the job was queued again.")


def _record(*, item: Item, master: Rendition, info: MediaInfo, files: list[RenditionFile], out_dir: Path,
            staging: Path) -> None:
    root = _media_root()
    # The files move into place while the job row is locked by the attempt that holds it, so no other
    # attempt can be recording at the same time.
    files = [replace(f, path=out_dir / f.path.name) for f in files]
    for f in files:
        (staging / f.path.name).replace(f.path)
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
    keep = {f.path.name for f in files} | {staging.name}
    for stale in out_dir.iterdir():
        if stale.name in keep:
            continue
        # Other attempts' staging folders belong to dead attempts or to ones that lost the job: an attempt
        # still writing there fails, and its failure is not recorded, since it no longer holds the claim.
        if stale.is_dir() and stale.name.startswith(".attempt-"):
            shutil.rmtree(stale, ignore_errors=True)
        elif stale.is_file():
            stale.unlink(missing_ok=True)


def _rate(rate: object) -> str:
    return "" if rate is None else str(rate)


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
