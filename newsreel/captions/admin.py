"""The back office for captions: upload a file per item and language, edit cues, split/merge/shift, publish,
and ask for a speech recognition draft."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsreel.captions import services
from newsreel.captions.formats import MAX_SECONDS, CaptionFileError
from newsreel.captions.models import CaptionStatus, Cue, CueSet, JobStatus, item_rate, language_choices
from newsreel.captions.recognition import RecognitionRefused, engine_for, request_recognition, sound_file
from newsreel.catalogue.models import Role
from newsreel.media.numbers import NotANumber, whole_number
from newsreel.media.timecode import TimecodeError, timecode_to_frames


def shift_frames(text: str, cue_set: CueSet) -> int:
    """A signed shift typed by an editor: frames ("-12"), seconds ("+1.5") or a duration ("-00:00:01:05")."""
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    amount = text.lstrip("+-").strip()
    if amount.isascii() and amount.isdigit():
        frames = int(amount[:12])
    else:
        # A duration counts frames at the nominal rate (01:00 at 29.97 is 30 frames), as edit systems add them.
        frames = timecode_to_frames(amount.replace(";", ":"), cue_set.frame_rate)
    if frames > max_frame(cue_set):
        raise TimecodeError(_("A shift of more than 24 hours."))
    return sign * frames


def max_frame(cue_set: CueSet) -> int:
    """The last frame a cue may reach (24 hours, as formats.MAX_SECONDS)."""
    return int(MAX_SECONDS * cue_set.frame_rate)


class CueSetForm(forms.ModelForm[CueSet]):
    upload = forms.FileField(label=capfirst(gettext_lazy("caption file")), required=False,
                             help_text=gettext_lazy("SubRip (.srt), WebVTT (.vtt) or EBU-TT-D / TTML (.ttml, .xml), "
                                                    "UTF-8. Replaces every cue of this language."))
    recognise = forms.BooleanField(
        label=capfirst(gettext_lazy("draft by speech recognition")), required=False,
        help_text=gettext_lazy("Instead of a file: the cues are recognised from the item's sound, in the background, "
                               "and stay a draft until you publish them."))
    shift = forms.CharField(label=capfirst(gettext_lazy("shift every cue by")), required=False, max_length=20,
                            help_text=gettext_lazy("Frames (-12), seconds (+1.5) or a duration (-00:00:01:05)."))

    class Meta:
        model = CueSet
        fields = ["item", "language", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"] = forms.ChoiceField(label=capfirst(_("language")), choices=language_choices())
        self.parsed: list[Any] | None = None

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload and upload.size is not None and upload.size > settings.NEWSREEL_CAPTION_MAX_BYTES:
            # Refused before reading: the upload is spooled to disk, never read into memory whole.
            raise forms.ValidationError(_("The file is larger than %(n)d KB; caption files are much smaller.")
                                        % {"n": settings.NEWSREEL_CAPTION_MAX_BYTES // 1024})
        if upload:
            try:
                self.parsed = services.parse_upload(upload.read(), upload.name or "")
            except CaptionFileError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("recognise"):
            self._check_recognition(data)
        elif not data.get("upload") and not self.instance.pk and "upload" not in self.errors:
            self.add_error("upload", _("Choose a caption file, or ask for a draft by speech recognition."))
        return data

    def _check_recognition(self, data: dict[str, Any]) -> None:
        item, language = data.get("item"), data.get("language", "")
        if data.get("upload"):
            self.add_error("recognise", _("Either a file or speech recognition, not both."))
        elif engine_for(language) is None:
            self.add_error("recognise", _("No speech recognition engine is installed for this language "
                                          "(%(language)s): upload a caption file or type the captions.")
                           % {"language": language})
        elif item is not None and sound_file(item) is None:
            self.add_error("recognise", _("%(item)s has no file with sound yet.") % {"item": item.reference})
        elif data.get("status") == CaptionStatus.PUBLISHED:
            self.add_error("status", _("A machine draft is never published by itself: choose Draft, review the "
                                       "cues, then publish."))

    def clean_shift(self) -> int:
        text = self.cleaned_data.get("shift", "")
        if not text.strip() or not self.instance.pk:
            return 0
        try:
            return shift_frames(text, self.instance)
        except TimecodeError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(CueSet)
class CueSetAdmin(admin.ModelAdmin[CueSet]):
    form = CueSetForm
    list_display = ["item", "language", "status", "source", "cue_count", "recognition", "updated_at"]
    list_filter = ["status", "language", "job_status"]
    search_fields = ["item__reference", "item__title_en", "item__title_fr"]
    autocomplete_fields = ["item"]
    readonly_fields = ["source", "source_file", "rate", "recognition", "cues_link"]
    actions = ["publish", "unpublish", "recognise"]

    def get_fieldsets(self, request: HttpRequest, obj: CueSet | None = None) -> Any:
        fields = ["item", "language", "status", "upload", "recognise"]
        if obj is None:
            return [(None, {"fields": fields})]
        return [(None, {"fields": [*fields, "shift", "cues_link"]}),
                (_("Where the cues come from"), {"fields": ["source", "source_file", "rate", "recognition"]})]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CueSet]:
        return super().get_queryset(request).select_related("item").annotate(number_of_cues=Count("cues"))

    @admin.display(description=gettext_lazy("cues"))
    def cue_count(self, obj: CueSet) -> int:
        return getattr(obj, "number_of_cues", None) or obj.cues.count()

    @admin.display(description=gettext_lazy("cues"))
    def cues_link(self, obj: CueSet) -> str:
        url = reverse("admin:captions_cue_changelist") + f"?cue_set__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Edit the %(n)d cues (text, in, out; split, merge, shift)")
                           % {"n": obj.cues.count()})

    @admin.display(description=gettext_lazy("speech recognition"))
    def recognition(self, obj: CueSet) -> str:
        if obj.job_status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return f"{obj.get_job_status_display()} {obj.job_progress:.0%}"
        if obj.job_status == JobStatus.FAILED:
            return f"{obj.get_job_status_display()}: {obj.job_message}"
        if obj.job_status == JobStatus.DONE:
            return f"{obj.get_job_status_display()} {obj.job_message}".strip()
        if engine_for(obj.language) is None:
            return _("No engine for this language")
        return "—"

    def save_model(self, request: HttpRequest, obj: CueSet, form: Any, change: bool) -> None:
        if form.parsed is not None:
            saved = services.cue_set_replace(item=obj.item, language=obj.language, cues=form.parsed,
                                             source="uploaded", source_file=form.cleaned_data["upload"].name,
                                             status=obj.status)
            obj.pk, obj.rate, obj.source = saved.pk, saved.rate, saved.source
            obj.source_file = saved.source_file
            messages.info(request, _("%(n)d cues read from the file.") % {"n": saved.cues.count()})
            return
        if not change:  # an empty set waiting for its recognised cues counts as they will
            obj.rate = services.rate_text(item_rate(obj.item))
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("recognise"):
            self._recognise(request, obj)
        if form.cleaned_data.get("shift"):
            try:
                moved = services.cues_shift(cue_set=obj, frames=form.cleaned_data["shift"])
            except services.CaptionEditError as exc:
                messages.error(request, str(exc))
            else:
                messages.info(request, _("%(n)d cues moved.") % {"n": moved})

    def _recognise(self, request: HttpRequest, cue_set: CueSet) -> None:
        try:
            request_recognition(item=cue_set.item, language=cue_set.language)
        except RecognitionRefused as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, _("%(set)s: speech recognition queued; the draft replaces the cues and stays "
                                         "unpublished.") % {"set": cue_set})

    @admin.action(description=gettext_lazy("Publish the selected captions"))
    def publish(self, request: HttpRequest, queryset: QuerySet[CueSet]) -> None:
        for cue_set in queryset:
            services.cue_set_publish(cue_set=cue_set, published=True)
        self.message_user(request, _("Published."))

    @admin.action(description=gettext_lazy("Unpublish the selected captions"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[CueSet]) -> None:
        for cue_set in queryset:
            services.cue_set_publish(cue_set=cue_set, published=False)
        self.message_user(request, _("Unpublished: users no longer see them."))

    @admin.action(description=gettext_lazy("Draft the selected captions anew by speech recognition"))
    def recognise(self, request: HttpRequest, queryset: QuerySet[CueSet]) -> None:
        for cue_set in queryset:
            self._recognise(request, cue_set)


class CueTimeField(forms.CharField):
    """A cue time edited as the source timecode and stored as a frame of its set."""

    def __init__(self, cue_set: CueSet, **kwargs: Any) -> None:
        super().__init__(max_length=16, **kwargs)
        self.cue_set = cue_set
        self.widget.attrs["size"] = 12

    def prepare_value(self, value: Any) -> Any:
        return self.cue_set.label(value) if isinstance(value, int) else value

    def clean(self, value: Any) -> int:
        text = super().clean(value)
        try:
            frame = self.cue_set.frame_of(text)
        except TimecodeError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if frame < 0:
            raise forms.ValidationError(_("Before the start of the media."))
        if frame > max_frame(self.cue_set):
            raise forms.ValidationError(_("Past 24 hours from the start of the media."))
        return frame


class CueForm(forms.ModelForm[Cue]):
    class Meta:
        model = Cue
        fields = ["start", "end", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, label in (("start", _("in")), ("end", _("out"))):
                if name in self.fields:
                    self.fields[name] = CueTimeField(self.instance.cue_set, label=label)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            raise forms.ValidationError(_("The out point must come after the in point."))
        return data


def _whole(text: str) -> int | None:
    try:
        return whole_number(text)
    except NotANumber:
        return None


class ShiftForm(forms.Form):
    shift = forms.CharField(label=capfirst(gettext_lazy("shift by")), max_length=20,
                            help_text=gettext_lazy("Frames (-12), seconds (+1.5) or a duration (-00:00:01:05)."))


@admin.register(Cue)
class CueAdmin(admin.ModelAdmin[Cue]):
    form = CueForm
    list_display = ["position", "start", "end", "text"]
    list_display_links = None  # cues are edited in the list, beside the player
    list_editable = ["start", "end", "text"]
    list_filter = [("cue_set", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text"]
    list_per_page = 50
    actions = ["split", "merge", "shift"]
    fields = ["start", "end", "text"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cue]:
        return super().get_queryset(request).select_related("cue_set__item")

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type[forms.ModelForm[Cue]]:
        return CueForm

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # cues come from a file, a recognition, or a split

    @admin.display(description=gettext_lazy("cue"))
    def position(self, obj: Cue) -> str:
        # A button that plays the preview from the cue's first frame (captions/static/captions/cue_player.js).
        seek = f"{(obj.start + 0.5) / float(obj.cue_set.frame_rate):.4f}"
        return format_html('<button type="button" class="button" data-seek="{}" title="{}">▶ {}</button>',
                           seek, _("Play from here"), obj.cue_set.label(obj.start))

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """With one caption set chosen, its item's preview plays above the cues."""
        chosen = _whole(request.GET.get("cue_set__id__exact", ""))
        cue_set = CueSet.objects.select_related("item").filter(pk=chosen).first() if chosen is not None else None
        preview = None
        if cue_set is not None:
            rendition = cue_set.item.rendition(Role.WEB) or cue_set.item.rendition(Role.AUDIO_PREVIEW)
            preview = rendition.preview_url() if rendition is not None else None
        context = {**(extra_context or {}), "cue_set": cue_set, "preview": preview,
                   "preview_is_video": bool(preview and cue_set and cue_set.item.rendition(Role.WEB))}
        return super().changelist_view(request, extra_context=context)

    def save_model(self, request: HttpRequest, obj: Cue, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        CueSet.objects.filter(pk=obj.cue_set_id).update(source="edited")

    @admin.action(description=gettext_lazy("Split the selected cues in two"))
    def split(self, request: HttpRequest, queryset: QuerySet[Cue]) -> None:
        for cue in queryset:
            try:
                services.cue_split(cue=cue)
            except services.CaptionEditError as exc:
                self.message_user(request, str(exc), messages.ERROR)

    @admin.action(description=gettext_lazy("Merge the selected cues into one"))
    def merge(self, request: HttpRequest, queryset: QuerySet[Cue]) -> None:
        try:
            services.cues_merge(cues=list(queryset))
        except services.CaptionEditError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    @admin.action(description=gettext_lazy("Shift the selected cues…"))
    def shift(self, request: HttpRequest, queryset: QuerySet[Cue]) -> HttpResponse | None:
        cues = list(queryset)
        sets = {cue.cue_set_id for cue in cues}
        if len(sets) != 1:
            self.message_user(request, _("Choose cues of one caption set."), messages.ERROR)
            return None
        cue_set = cues[0].cue_set
        form = ShiftForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                moved = services.cues_shift(cue_set=cue_set, cues=cues,
                                            frames=shift_frames(form.cleaned_data["shift"], cue_set))
            except (services.CaptionEditError, TimecodeError) as exc:
                form.add_error("shift", str(exc))
            else:
                self.message_user(request, _("%(n)d cues moved.") % {"n": moved})
                return None
        return TemplateResponse(request, "admin/captions/shift.html", {
            **self.admin_site.each_context(request), "title": _("Shift cues"), "form": form, "cues": cues,
            "opts": self.model._meta, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME})

