"""The download log and the clip cache."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsreel.catalogue.models import Item, Rendition


class DownloadKind(models.TextChoices):
    FILE = "file", _("Whole file")
    CLIP = "clip", _("Clip")
    ZIP = "zip", _("Photo set (ZIP)")
    SIDECAR = "sidecar", _("Metadata sidecar")


class Download(models.Model):
    """One request that sent (or, with nginx offload, granted) bytes of a file."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="downloads")
    # Kept as text: the log must still say who downloaded after a profile changes or an account is deleted.
    organisation = models.CharField(_("organisation"), max_length=200, blank=True, db_index=True)
    item = models.ForeignKey(Item, null=True, on_delete=models.SET_NULL, related_name="downloads")
    rendition = models.ForeignKey(Rendition, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="downloads")
    kind = models.CharField(_("kind"), max_length=8, choices=DownloadKind.choices, default=DownloadKind.FILE)
    role = models.CharField(_("version"), max_length=20, blank=True)
    clip_in = models.CharField(_("clip in"), max_length=12, blank=True)
    clip_out = models.CharField(_("clip out"), max_length=12, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    range_start = models.PositiveBigIntegerField(_("first byte"), default=0)
    bytes_expected = models.PositiveBigIntegerField(_("bytes asked for"), default=0)
    bytes_sent = models.PositiveBigIntegerField(_("bytes sent"), default=0)
    completed = models.BooleanField(_("completed"), default=False)
    offloaded = models.BooleanField(_("sent by nginx"), default=False,
                                    help_text=_("With nginx offload only the grant is known, not the bytes."))

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        indexes = [models.Index(fields=["item", "started_at"])]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.item_id} {self.kind}"


class ClipStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ClipCache(models.Model):
    """A rendered clip, keyed by what it was cut from; the file lives under MEDIA_ROOT/clips/."""

    rendition = models.ForeignKey(Rendition, on_delete=models.CASCADE, related_name="clips")
    source_sha256 = models.CharField(max_length=64)
    start = models.PositiveIntegerField(help_text=_("First frame, counted from the file's first frame."))
    end = models.PositiveIntegerField(help_text=_("Frame after the last one."))
    mode = models.CharField(max_length=8)
    # "" for picture and sound only; else the caption languages and a digest of the cut cues ("en,fr:1a2b…"), so
    # that captions edited since give another clip. The cues themselves, as the engine takes them (see render).
    captions = models.CharField(_("captions"), max_length=100, blank=True, default="")
    caption_tracks = models.JSONField(_("caption tracks"), default=list, blank=True)
    # What the engine actually included (fast mode widens the range to whole GOPs).
    first_frame = models.PositiveIntegerField(default=0)
    stop_frame = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=8, choices=ClipStatus.choices, default=ClipStatus.QUEUED,
                              db_index=True)
    progress = models.FloatField(default=0.0)
    message = models.TextField(blank=True)
    file = models.CharField(max_length=300, blank=True, help_text=_("Relative to MEDIA_ROOT."))
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # Who asked while it was being rendered: they get an e-mail when it is ready.
    notify = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("cached clip")
        verbose_name_plural = _("clip cache")
        constraints = [models.UniqueConstraint(fields=["source_sha256", "start", "end", "mode", "captions"],
                                               name="one_clip_per_cut_and_captions")]

    def __str__(self) -> str:
        return f"{self.rendition_id} {self.start}-{self.end} {self.mode} ({self.status})"

    @property
    def frames(self) -> int:
        return self.end - self.start


class ClipRequest(models.Model):
    """One user's request for a clip; several may share one cache entry. Counted for the rate limit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clip_requests")
    clip = models.ForeignKey(ClipCache, null=True, on_delete=models.SET_NULL, related_name="requests")
    rendition = models.ForeignKey(Rendition, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    mode = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.rendition_id} {self.start}-{self.end}"


class RenderSlot(models.Model):
    """One of NEWSREEL_CLIP_SYNC_SLOTS leases for rendering a clip inside a web request."""

    id = models.PositiveIntegerField(primary_key=True)
    busy_until = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"slot {self.id}"
