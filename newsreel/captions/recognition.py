"""Draft captions by speech recognition: which engine serves a language, the queued job, its progress.

The job runs on the media queue (it is long, like a transcode) and the recognition itself in a child process.
Its result is always a draft: publishing is an editor's action (services.cue_set_publish).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from newsreel.captions import formats, services
from newsreel.captions.models import CaptionStatus, CueSet, JobStatus
from newsreel.captions.speech import ENGINES, Word, group_words
from newsreel.catalogue.models import Item, Role
from newsreel.media.isolated import ChildFailed, JobStopped, run_isolated
from newsreel.media.safeio import UnsupportedMedia

log = logging.getLogger(__name__)

# Where the sound is read from, smallest first: all carry the same sound, and a smaller file decodes sooner.
_SOUND_ROLES = (Role.AUDIO_PREVIEW, Role.AUDIO_MP3, Role.WEB, Role.PROXY, Role.AUDIO_WAV, Role.BROADCAST,
                Role.MASTER)


# A running job that has reported nothing for this long died with its worker: it may be claimed again.
SILENCE = dt.timedelta(minutes=15)


def _claimable() -> Q:
    stale = Q(job_heartbeat__isnull=True) | Q(job_heartbeat__lt=timezone.now() - SILENCE)
    return Q(job_status=JobStatus.QUEUED) | (Q(job_status=JobStatus.RUNNING) & stale)


class RecognitionRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def engine_for(language: str) -> str | None:
    """The engine configured and installed for a language (NEWSREEL_SPEECH_ENGINES), or None."""
    for entry in settings.NEWSREEL_SPEECH_ENGINES:
        code, _sep, name = entry.partition(":")
        engine = ENGINES.get(name.strip())
        if code.strip() == language and engine is not None and engine.available(language):
            return engine.name
    return None


def sound_file(item: Item) -> Path | None:
    for role in _SOUND_ROLES:
        rendition = item.rendition(role)
        if rendition is not None and rendition.file:
            return Path(rendition.file.path)
    return None


def request_recognition(*, item: Item, language: str) -> CueSet:
    """Queue a draft for the item in a language; refused (with the reason) when it cannot run."""
    if engine_for(language) is None:
        raise RecognitionRefused(_("No speech recognition engine is installed for this language (%(language)s): "
                                   "upload a caption file or type the captions.") % {"language": language})
    if sound_file(item) is None:
        raise RecognitionRefused(_("%(item)s has no file with sound yet.") % {"item": item.reference})
    with transaction.atomic():
        cue_set, _created = CueSet.objects.select_for_update().get_or_create(item=item, language=language)
        if cue_set.status == CaptionStatus.PUBLISHED:
            raise RecognitionRefused(_("The %(language)s captions of %(item)s are published: unpublish them first, "
                                       "so that a machine draft does not replace them.")
                                     % {"language": language, "item": item.reference})
        if cue_set.job_status == JobStatus.QUEUED or (
                cue_set.job_status == JobStatus.RUNNING and not CueSet.objects.filter(_claimable(), pk=cue_set.pk)):
            return cue_set  # already on its way (a running job silent for SILENCE is queued again)
        CueSet.objects.filter(pk=cue_set.pk).update(job_status=JobStatus.QUEUED, job_progress=0.0, job_message="",
                                                    job_heartbeat=None)
        transaction.on_commit(lambda: _enqueue(cue_set.pk))
    cue_set.refresh_from_db()
    return cue_set


def _enqueue(cue_set_id: int) -> None:
    from newsreel.captions.tasks import recognise_task

    recognise_task.enqueue(cue_set_id)


def run_recognition(*, cue_set_id: int) -> CueSet:
    """Recognise the item's speech and write the words as a draft cue set."""
    # A task delivered twice, or one for a job another worker is running, finds nothing to claim.
    claimed = CueSet.objects.filter(_claimable(), pk=cue_set_id).update(
        job_status=JobStatus.RUNNING, job_progress=0.0, job_heartbeat=timezone.now())
    cue_set = CueSet.objects.select_related("item").get(pk=cue_set_id)
    if not claimed:
        return cue_set
    engine = engine_for(cue_set.language)
    source = sound_file(cue_set.item)
    if engine is None or source is None:
        return _failed(cue_set, _("No engine for this language, or no file with sound."))
    try:
        words = _recognise_in_child(cue_set_id, source, cue_set.language, engine)
    except (UnsupportedMedia, ChildFailed, JobStopped) as exc:
        log.warning("speech recognition of %s failed: %s", cue_set, getattr(exc, "details", exc))
        return _failed(cue_set, str(exc)[:300])
    if cue_set.status == CaptionStatus.PUBLISHED:  # published by an editor meanwhile: theirs wins
        return _failed(cue_set, _("Published meanwhile: the draft was not written."))
    cues = [formats.TimedText(start, end, text) for start, end, text in group_words(words)]
    services.cue_set_replace(item=cue_set.item, language=cue_set.language, cues=cues, source=f"machine:{engine}",
                             status=CaptionStatus.DRAFT)
    message = "" if cues else _("No speech was recognised.")
    CueSet.objects.filter(pk=cue_set_id).update(job_status=JobStatus.DONE, job_progress=1.0, job_message=message)
    cue_set.refresh_from_db()
    return cue_set


def _recognise_in_child(cue_set_id: int, source: Path, language: str, engine: str) -> list[Word]:
    last = [0.0]

    def on_message(kind: str, value: Any) -> None:
        if kind == "progress" and value - last[0] >= 0.02:
            last[0] = value
            CueSet.objects.filter(pk=cue_set_id).update(job_progress=min(1.0, float(value)),
                                                        job_heartbeat=timezone.now())

    result, _child = run_isolated("newsreel.captions.speech:recognise_job",
                                  {"source": str(source), "language": language, "engine": engine},
                                  time_limit=lambda: float(settings.NEWSREEL_SPEECH_TIME_LIMIT),
                                  on_message=on_message)
    return list(result)


def _failed(cue_set: CueSet, message: str) -> CueSet:
    CueSet.objects.filter(pk=cue_set.pk).update(job_status=JobStatus.FAILED, job_message=message)
    cue_set.refresh_from_db()
    return cue_set
