"""Timed text of an item: one cue set per item and language, made of cues counted in frames (timing.py)."""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from newsreel.captions.timing import FrameCue
from newsreel.catalogue.models import Item, Role
from newsreel.lib.changes import AtomicSave
from newsreel.media.timecode import TimecodeError, frames_to_timecode, parse_rate, timecode_to_frames

# An item without video (audio, photo) counts its captions in milliseconds.
MILLISECONDS = Fraction(1000)
MAX_CUE_TEXT = 1000


class CaptionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: not shown")
    PUBLISHED = "published", _("Published")


class JobStatus(models.TextChoices):
    NONE = "", _("None")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Recognising speech")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def language_name(code: str) -> str:
    """The language's name in the reader's language ("French", "français"), or its code if Django knows none."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    # French writes language names in lower case ("anglais"); Django's catalogue capitalises some of them.
    return name[:1].lower() + name[1:] if (get_language() or "").startswith("fr") else name


def language_choices() -> list[tuple[str, str]]:
    return [(code, f"{language_name(code)} ({code})") for code in settings.NEWSREEL_CAPTION_LANGUAGES]


def item_rate(item: Item) -> Fraction:
    """What a new cue set of the item counts in: its video's frame rate, else milliseconds."""
    if item.rate:
        return item.rate
    for role in (Role.WEB, Role.BROADCAST, Role.PROXY, Role.MASTER):
        rendition = item.rendition(role)
        if rendition is not None and rendition.rate:
            return rendition.rate
    return MILLISECONDS


class CueSetQuerySet(models.QuerySet["CueSet"]):
    def published(self) -> CueSetQuerySet:
        return self.filter(status=CaptionStatus.PUBLISHED)


class CueSet(AtomicSave):
    """The captions of one item in one language. Only published ones are shown to users."""

    item = models.ForeignKey(Item, verbose_name=_("media item"), on_delete=models.CASCADE, related_name="cue_sets")
    language = models.CharField(_("language"), max_length=12, choices=language_choices)
    status = models.CharField(_("status"), max_length=10, choices=CaptionStatus.choices, default=CaptionStatus.DRAFT)
    # "uploaded", "edited", or "machine:<engine>" for speech recognition drafts.
    source = models.CharField(_("source"), max_length=40, blank=True)
    source_file = models.CharField(_("file name"), max_length=200, blank=True)
    # The rate cue frames count in, fixed when the cues are written ("25", "30000/1001", "1000" for ms).
    rate = models.CharField(_("counted in"), max_length=20, default="25")
    job_status = models.CharField(_("speech recognition"), max_length=10, choices=JobStatus.choices, blank=True,
                                  default=JobStatus.NONE)
    job_progress = models.FloatField(_("progress"), default=0.0)
    job_message = models.CharField(_("message"), max_length=300, blank=True)
    # Written when a job is claimed and at each progress report: a job silent for too long died with its worker.
    job_heartbeat = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CueSetQuerySet.as_manager()

    class Meta:
        ordering = ["item", "language"]
        verbose_name = _("caption set")
        verbose_name_plural = _("captions")
        constraints = [models.UniqueConstraint(fields=["item", "language"], name="one_cue_set_per_language")]

    def __str__(self) -> str:
        return f"{self.item.reference} {self.language}"

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def frame_rate(self) -> Fraction:
        return parse_rate(self.rate)

    @property
    def origin(self) -> int:
        """The frame the item's start timecode stands for, at this set's rate (0 without one)."""
        if not self.item.start_timecode or self.frame_rate == MILLISECONDS:
            return 0
        try:
            return timecode_to_frames(self.item.start_timecode, self.frame_rate)
        except TimecodeError:
            return 0

    def label(self, frame: int) -> str:
        """A cue time as the player and the shotlist show it: the source timecode (HH:MM:SS:mmm without video)."""
        return frames_to_timecode(self.origin + frame, self.frame_rate)

    def frame_of(self, text: str) -> int:
        """A typed source timecode (or seconds from the start of the media) as a frame of this set."""
        text = text.strip()
        if ":" not in text:
            return timecode_to_frames(text, self.frame_rate)
        return timecode_to_frames(text, self.frame_rate) - self.origin

    def frame_cues(self) -> list[FrameCue]:
        return [FrameCue(cue.start, cue.end, cue.text) for cue in self.cues.all()]


class Cue(AtomicSave):
    cue_set = models.ForeignKey(CueSet, on_delete=models.CASCADE, related_name="cues")
    start = models.PositiveIntegerField(_("in"), help_text=_("First frame, from the media's first frame."))
    end = models.PositiveIntegerField(_("out"), help_text=_("Frame after the last one."))
    text = models.TextField(_("text"), max_length=MAX_CUE_TEXT)

    class Meta:
        ordering = ["cue_set", "start", "end", "id"]
        verbose_name = _("cue")
        verbose_name_plural = _("cues")
        indexes = [models.Index(fields=["cue_set", "start"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="cue_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.start}-{self.end} {self.text[:40]}"
