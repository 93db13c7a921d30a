"""Processing jobs: one row per attempt to turn an item's master into renditions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from newsreel.catalogue.models import Item


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IngestJob(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="ingest_jobs")
    master_sha256 = models.CharField(max_length=64, help_text=_("The master this job processes."))
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED,
                              db_index=True)
    progress = models.FloatField(_("progress"), default=0.0)
    message = models.TextField(_("message"), blank=True, help_text=_("Why it failed, in words an editor can act on."))
    attempts = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    source_name = models.CharField(_("file name"), max_length=255, blank=True,
                                   help_text=_("The name of the file as the editor brought it in."))
    # The attempt that holds the job, and until when: renewed while it works, taken over once it runs out.
    claim = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    peak_memory = models.PositiveBigIntegerField(_("peak memory"), null=True, blank=True,
                                                 help_text=_("Bytes the processing used at most (its own process)."))
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("processing job")
        verbose_name_plural = _("processing jobs")

    def __str__(self) -> str:
        return f"{self.item.reference}: {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return round(self.progress * 100)
