from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from newsreel.catalogue.models import Event, Item, Person, Rendition, ShotlistLine, Tag
from newsreel.lib.admin import EngineSearchMixin, OneUnitChangeForm
from newsreel.lib.formfields import BOUNDED_MANY_TO_MANY


class ShotlistInline(admin.TabularInline[ShotlistLine, Item]):
    model = ShotlistLine
    extra = 1
    fields = ["position", "tc_in", "tc_out", "description_en", "description_fr"]


# What a file is (type, container, size, checksum, codecs) is read from its content (Rendition.clean, ingest),
# never typed in: a stored label is what a browser would be told the file is.
RENDITION_FACTS = ["mime_type", "container", "video_codec", "audio_codec", "width", "height", "frame_rate",
                   "duration", "bitrate", "size", "sha256"]


class RenditionInline(admin.TabularInline[Rendition, Item]):
    model = Rendition
    extra = 0
    fields = ["role", "file", "access", *RENDITION_FACTS]
    readonly_fields = RENDITION_FACTS


@admin.register(Item)
class ItemAdmin(OneUnitChangeForm, EngineSearchMixin, admin.ModelAdmin[Item]):
    formfield_overrides = BOUNDED_MANY_TO_MANY
    list_display = ["reference", "title_en", "title_fr", "kind", "status", "publish_at", "event", "access"]
    list_filter = ["kind", "status", "access", "event", "tags", ("publish_at", admin.DateFieldListFilter)]
    search_fields = ["reference", "title_en", "title_fr", "summary_en", "summary_fr", "location_en", "location_fr",
                     "credit"]
    date_hierarchy = "publish_at"
    filter_horizontal = ["tags", "people"]
    readonly_fields = ["reference", "created_at", "updated_at"]
    inlines = [ShotlistInline, RenditionInline]
    fieldsets = [
        (None, {"fields": ["reference", "kind", "status", "publish_at", "access"]}),
        (_("English"), {"fields": ["title_en", "summary_en", "description_en", "terms_en", "withdrawn_note_en"]}),
        (_("French"), {"fields": ["title_fr", "summary_fr", "description_fr", "terms_fr", "withdrawn_note_fr"]}),
        (_("Context"), {"fields": ["shot_on", "location_en", "location_fr", "event", "tags", "people"]}),
        (_("Rights"), {"fields": ["credit", "copyright"]}),
        (_("Video"), {"fields": ["frame_rate", "start_timecode", "duration"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ["slug", "title_en", "title_fr", "starts_on", "location"]
    search_fields = ["slug", "title_en", "title_fr", "location"]
    prepopulated_fields = {"slug": ["title_en"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["slug", "name_en", "name_fr"]
    search_fields = ["slug", "name_en", "name_fr"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ["name", "role_en", "role_fr"]
    search_fields = ["name", "role_en", "role_fr"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Rendition)
class RenditionAdmin(admin.ModelAdmin[Rendition]):
    list_display = ["item", "role", "container", "video_codec", "width", "height", "size", "access"]
    list_filter = ["role", "container", "access"]
    search_fields = ["item__reference", "sha256"]
    raw_id_fields = ["item"]
    fields = ["item", "role", "file", "access", *RENDITION_FACTS]
    readonly_fields = RENDITION_FACTS
