"""Back office: upload a master on the item page, see processing status and progress, retry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from newsreel.catalogue.admin import ItemAdmin
from newsreel.catalogue.models import Item
from newsreel.ingest.models import IngestJob, JobStatus
from newsreel.ingest.services import ingest_file, latest_job, queue_job, spooled_copy


class ItemWithMasterForm(forms.ModelForm[Item]):
    master_upload = forms.FileField(
        label=_("Master file"), required=False,
        help_text=_("Video (MP4, MOV, MXF), photo (JPEG, PNG, TIFF) or audio (WAV, MP3, AAC). Uploading "
                    "replaces the current master; renditions are made in the background."),
    )

    class Meta:
        model = Item
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean_master_upload(self) -> Any:
        request = getattr(self, "request", None)
        if request is not None and getattr(request, "upload_too_large", False):
            from django.conf import settings

            raise forms.ValidationError(_("The file is larger than the upload limit of %(limit)s.")
                                        % {"limit": filesizeformat(settings.NEWSREEL_MAX_UPLOAD_BYTES)})
        return self.cleaned_data.get("master_upload")


class IngestJobInline(admin.TabularInline[IngestJob, Item]):
    model = IngestJob
    extra = 0
    can_delete = False
    fields = ["source_name", "status", "percent", "message", "attempts", "created_at", "finished_at"]
    readonly_fields = ["source_name", "status", "percent", "message", "attempts", "created_at", "finished_at"]
    ordering = ["-created_at"]
    max_num = 0
    verbose_name_plural = _("processing")

    @admin.display(description=_("progress"))
    def percent(self, job: IngestJob) -> str:
        return f"{job.percent} %"


def _status_badge(job: IngestJob | None) -> str:
    if job is None:
        return "—"
    if job.status == JobStatus.RUNNING:
        return format_html("{} ({} %)", job.get_status_display(), job.percent)
    if job.status == JobStatus.FAILED:
        return format_html('<span title="{}">{}</span>', job.message, job.get_status_display())
    return str(job.get_status_display())


@admin.action(description=_("Process the master again"))
def retry_processing(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Item]) -> None:
    queued = 0
    for item in queryset:
        try:
            queue_job(item=item)
            queued += 1
        except ValueError as exc:
            messages.error(request, f"{item.reference}: {exc}")
    if queued:
        messages.success(request, _("%(n)d item(s) queued for processing.") % {"n": queued})


class ItemWithIngestAdmin(ItemAdmin):
    form = ItemWithMasterForm
    inlines = [*ItemAdmin.inlines, IngestJobInline]
    list_display = [*ItemAdmin.list_display, "processing"]
    actions = [retry_processing]

    def get_fieldsets(self, request: HttpRequest, obj: Item | None = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        return [(_("Master"), {"fields": ["master_upload"]}), *fieldsets]

    def get_form(self, request: HttpRequest, obj: Item | None = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form_class):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                self.request = request

        return RequestForm

    @admin.display(description=_("processing"))
    def processing(self, item: Item) -> str:
        return _status_badge(latest_job(item))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        upload = form.cleaned_data.get("master_upload")
        if upload:
            job = ingest_file(item=form.instance, source=spooled_copy(upload), move=True, source_name=upload.name)
            if job.status == JobStatus.FAILED:
                messages.error(request, _("The master was refused: %(reason)s") % {"reason": job.message})
            else:
                messages.info(request, _("Master received; renditions are being made."))


admin.site.unregister(Item)
admin.site.register(Item, ItemWithIngestAdmin)


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin[IngestJob]):
    list_display = ["item", "source_name", "status", "progress", "attempts", "created_at", "finished_at",
                    "message", "peak_memory"]
    list_filter = ["status"]
    search_fields = ["item__reference", "message"]
    readonly_fields = ["item", "source_name", "master_sha256", "status", "progress", "message", "attempts",
                       "task_id", "created_at", "started_at", "finished_at", "lease_expires_at", "peak_memory"]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry"))
    def retry(self, request: HttpRequest, queryset: QuerySet[IngestJob]) -> None:
        for job in queryset.select_related("item"):
            queue_job(item=job.item)
        messages.success(request, _("Queued again."))
