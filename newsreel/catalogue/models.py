"""The catalogue: media items (video, photo, audio), their files (renditions), events, tags, people, shotlists.

Nothing here knows about the search index: search follows these models through its own signal receivers
(newsreel/search/signal_handlers.py), which is why saves run in a transaction (AtomicSave) and bulk updates
announce their rows (lib.changes.SignalledUpdates, through PublishableQuerySet).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsreel.lib.changes import AtomicSave
from newsreel.media.content import media_type
from newsreel.media.probe import probe
from newsreel.media.renditions import sha256_of
from newsreel.media.safeio import UnsupportedMedia
from newsreel.media.timecode import TimecodeError, frames_to_timecode, parse_rate, timecode_to_frames
from newsreel.publishing import Localized, Publishable, PublishableQuerySet, localized


class Event(AtomicSave):
    """An event or collection grouping items and articles (a summit, a visit, a exercise)."""

    slug = models.SlugField(unique=True, max_length=120)
    title_en = models.CharField(_("title (EN)"), max_length=250, blank=True)
    title_fr = models.CharField(_("title (FR)"), max_length=250, blank=True)
    description_en = models.TextField(_("description (EN)"), blank=True)
    description_fr = models.TextField(_("description (FR)"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on", "slug"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return str(self.title) or self.slug

    def clean(self) -> None:
        if not (self.title_en.strip() or self.title_fr.strip()):
            raise ValidationError(_("Give a title in English or French."))
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date is before the start date.")})

    @property
    def title(self) -> Localized:
        return localized(self, "title")

    @property
    def description(self) -> Localized:
        return localized(self, "description")

    def get_absolute_url(self) -> str:
        return reverse("catalogue:event", args=[self.slug])


class Tag(AtomicSave):
    slug = models.SlugField(unique=True, max_length=80)
    name_en = models.CharField(_("name (EN)"), max_length=80, blank=True)
    name_fr = models.CharField(_("name (FR)"), max_length=80, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return str(self.name) or self.slug

    @property
    def name(self) -> Localized:
        return localized(self, "name")


class Person(AtomicSave):
    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField(_("name"), max_length=200)
    role_en = models.CharField(_("role (EN)"), max_length=200, blank=True)
    role_fr = models.CharField(_("role (FR)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def role(self) -> Localized:
        return localized(self, "role")


class Kind(models.TextChoices):
    VIDEO = "video", _("Video")
    PHOTO = "photo", _("Photo")
    AUDIO = "audio", _("Audio")


REFERENCE_PREFIX = {Kind.VIDEO: "V", Kind.PHOTO: "P", Kind.AUDIO: "A"}


class Access(models.TextChoices):
    OPEN = "open", _("Open: no account needed")
    REGISTERED = "registered", _("Registered media professionals")
    RESTRICTED = "restricted", _("Restricted: staff only")


class ItemQuerySet(PublishableQuerySet):
    def for_listing(self) -> ItemQuerySet:
        return self.select_related("event").order_by("-publish_at", "-id")


class Item(Publishable):
    """One media resource: a video, a photo (or photo set) or an audio recording."""

    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices, db_index=True)
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, editable=False,
        help_text=_("Stable public reference, e.g. V-2026-0001."),
    )
    title_en = models.CharField(_("title (EN)"), max_length=250, blank=True)
    title_fr = models.CharField(_("title (FR)"), max_length=250, blank=True)
    summary_en = models.TextField(_("summary (EN)"), blank=True)
    summary_fr = models.TextField(_("summary (FR)"), blank=True)
    description_en = models.TextField(_("description (EN)"), blank=True)
    description_fr = models.TextField(_("description (FR)"), blank=True)
    shot_on = models.DateField(_("date shot"), null=True, blank=True)
    location_en = models.CharField(_("location (EN)"), max_length=200, blank=True)
    location_fr = models.CharField(_("location (FR)"), max_length=200, blank=True,
                                   help_text=_("e.g. Bruxelles, Belgique; leave empty when the name is the same."))
    event = models.ForeignKey(Event, verbose_name=_("event"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="items")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="items")
    people = models.ManyToManyField(Person, verbose_name=_("people"), blank=True, related_name="items")
    credit = models.CharField(_("credit line"), max_length=250, blank=True)
    copyright = models.CharField(_("copyright"), max_length=250, blank=True)
    terms_en = models.TextField(_("licence and terms (EN)"), blank=True)
    terms_fr = models.TextField(_("licence and terms (FR)"), blank=True)
    access = models.CharField(_("access"), max_length=12, choices=Access.choices, default=Access.REGISTERED)
    # Video only: the master's frame rate and start timecode, which shotlists and clips count from.
    frame_rate = models.CharField(_("frame rate"), max_length=20, blank=True, help_text=_("e.g. 25 or 30000/1001"))
    start_timecode = models.CharField(_("start timecode"), max_length=12, blank=True, default="")
    duration = models.FloatField(_("duration (s)"), null=True, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("media item")
        verbose_name_plural = _("media items")
        indexes = [models.Index(fields=["kind", "status", "publish_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    def clean(self) -> None:
        if not (self.title_en.strip() or self.title_fr.strip()):
            raise ValidationError(_("Give a title in English or French."))
        if self.frame_rate:
            try:
                parse_rate(self.frame_rate)
            except (ValueError, ZeroDivisionError) as exc:
                raise ValidationError({"frame_rate": _("Not a frame rate.")}) from exc

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():  # post_save receivers (the search index) commit with the row, as AtomicSave
            self._save_row(*args, **kwargs)

    def _save_row(self, *args: Any, **kwargs: Any) -> None:
        if self.reference:
            super().save(*args, **kwargs)
            return
        # References are sequential per type and year; retry if a concurrent save took the same number.
        for _attempt in range(5):
            self.reference = self._next_reference()
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                self.reference = ""
                if self.pk is not None and not kwargs.get("force_insert"):
                    raise
        raise IntegrityError("could not allocate a unique reference")

    def _next_reference(self) -> str:
        year = (self.publish_at or timezone.now()).year
        prefix = f"{REFERENCE_PREFIX[Kind(self.kind)]}-{year}-"
        last = (
            Item.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first()
        )
        number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        return f"{prefix}{number:04d}"

    @property
    def description(self) -> Localized:
        return localized(self, "description")

    @property
    def terms(self) -> Localized:
        return localized(self, "terms")

    @property
    def location(self) -> Localized:
        # A place name in the other language is not flagged on pages: it is the same place.
        return localized(self, "location")

    @property
    def rate(self) -> Fraction | None:
        return parse_rate(self.frame_rate) if self.frame_rate else None

    def get_absolute_url(self) -> str:
        return reverse("catalogue:item", args=[self.reference])

    def rendition(self, role: str) -> Rendition | None:
        for rendition in self.renditions.all():
            if rendition.role == role:
                return rendition
        return None

    @property
    def poster(self) -> Rendition | None:
        return self.rendition(Role.POSTER) or self.rendition(Role.PHOTO_MEDIUM) or self.rendition(Role.THUMBNAIL)

    @property
    def thumbnail(self) -> Rendition | None:
        return self.rendition(Role.THUMBNAIL) or self.rendition(Role.PHOTO_THUMB) or self.rendition(Role.POSTER)


class ShotlistLine(AtomicSave):
    """One line of a video's shotlist: an in and an out timecode and what is seen."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="shots")
    position = models.PositiveIntegerField(_("order"), default=0)
    tc_in = models.CharField(_("in"), max_length=12, help_text="HH:MM:SS:FF")
    tc_out = models.CharField(_("out"), max_length=12, help_text="HH:MM:SS:FF")
    description_en = models.CharField(_("description (EN)"), max_length=500, blank=True)
    description_fr = models.CharField(_("description (FR)"), max_length=500, blank=True)

    class Meta:
        ordering = ["item", "position", "id"]
        verbose_name = _("shotlist line")
        verbose_name_plural = _("shotlist")

    def __str__(self) -> str:
        return f"{self.tc_in}-{self.tc_out} {self.description}"

    @property
    def description(self) -> Localized:
        return localized(self, "description")

    def frames(self) -> tuple[int, int] | None:
        rate = self.item.rate
        if rate is None:
            return None
        return timecode_to_frames(self.tc_in, rate), timecode_to_frames(self.tc_out, rate)

    def clean(self) -> None:
        rate = self.item.rate if self.item_id else None
        check_rate = rate or Fraction(25)
        errors: dict[str, str] = {}
        frames: dict[str, int] = {}
        for field in ("tc_in", "tc_out"):
            try:
                frames[field] = timecode_to_frames(getattr(self, field), check_rate)
                setattr(self, field, frames_to_timecode(frames[field], check_rate))
            except TimecodeError as exc:
                errors[field] = str(exc)
        if errors:
            raise ValidationError(errors)
        if frames["tc_out"] <= frames["tc_in"]:
            raise ValidationError({"tc_out": _("The out point must come after the in point.")})


class Role(models.TextChoices):
    """What a file is for. The values are the media engine's role names."""

    MASTER = "master", _("Master")
    BROADCAST = "broadcast", _("Broadcast (1080p H.264)")
    WEB = "web", _("Web preview")
    PROXY = "proxy", _("Proxy")
    AUDIO_MP3 = "audio_mp3", _("Audio (MP3)")
    AUDIO_WAV = "audio_wav", _("Audio (WAV)")
    AUDIO_PREVIEW = "audio_preview", _("Audio preview")
    POSTER = "poster", _("Poster frame")
    THUMBNAIL = "thumbnail_320", _("Thumbnail")
    THUMBNAIL_LARGE = "thumbnail_640", _("Thumbnail (large)")
    STORYBOARD = "storyboard_sprite", _("Storyboard")
    STORYBOARD_INDEX = "storyboard_index", _("Storyboard index")
    STORYBOARD_VTT = "storyboard_vtt", _("Storyboard (WebVTT)")
    WAVEFORM = "waveform", _("Waveform")
    WAVEFORM_PEAKS = "waveform_peaks", _("Waveform peaks")
    PHOTO_LARGE = "photo_large", _("Photo (large)")
    PHOTO_MEDIUM = "photo_medium", _("Photo (medium)")
    PHOTO_THUMB = "photo_thumbnail", _("Photo (thumbnail)")


# Previews are files made for the page, smaller than any download: the web video (720p), the audio preview (a
# low bit rate MP3), posters, thumbnails, storyboards, waveforms, the medium and thumbnail photos. Every other
# file is a download. No file is both, so one rule (newsreel/downloads/access.py) decides each, never two.
PREVIEW_ROLES = frozenset({Role.WEB, Role.AUDIO_PREVIEW, Role.POSTER, Role.THUMBNAIL, Role.THUMBNAIL_LARGE,
                           Role.STORYBOARD, Role.STORYBOARD_INDEX, Role.STORYBOARD_VTT, Role.WAVEFORM,
                           Role.WAVEFORM_PEAKS, Role.PHOTO_MEDIUM, Role.PHOTO_THUMB})
DOWNLOAD_ROLES = [role for role in Role if role not in PREVIEW_ROLES]

# What a file brought in by hand (the back office) must be for its role, as probed from its content: the kind
# of media and the containers. Roles missing here (indexes, peaks) are written by processing only. A master
# must be of its item's kind.
_IMAGE = ("photo", frozenset({"jpeg", "png"}))
ROLE_CONTENT: dict[str, tuple[str, frozenset[str]]] = {
    Role.BROADCAST: ("video", frozenset({"mp4", "mov"})),
    Role.WEB: ("video", frozenset({"mp4"})),
    Role.PROXY: ("video", frozenset({"mp4", "mov"})),
    Role.AUDIO_MP3: ("audio", frozenset({"mp3"})),
    Role.AUDIO_WAV: ("audio", frozenset({"wav"})),
    Role.AUDIO_PREVIEW: ("audio", frozenset({"mp3"})),
    Role.POSTER: _IMAGE, Role.THUMBNAIL: _IMAGE, Role.THUMBNAIL_LARGE: _IMAGE, Role.STORYBOARD: _IMAGE,
    Role.WAVEFORM: _IMAGE, Role.PHOTO_MEDIUM: _IMAGE, Role.PHOTO_THUMB: _IMAGE,
    Role.PHOTO_LARGE: ("photo", frozenset({"jpeg", "png", "tiff"})),
}


@contextlib.contextmanager
def _on_disk(upload: Any) -> Iterator[Path]:
    """A path to an uploaded file's bytes: the spooled file itself, or a temporary copy of a small one."""
    temporary = getattr(upload, "temporary_file_path", None)
    if callable(temporary):
        yield Path(temporary())
        return
    with tempfile.NamedTemporaryFile(suffix=".upload") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


class Rendition(models.Model):
    """One file of an item, with its technical metadata. Files live under MEDIA_ROOT, named by the system."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="renditions")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    mime_type = models.CharField(_("MIME type"), max_length=80, blank=True)
    file = models.FileField(_("file"), max_length=500, upload_to="renditions/")
    container = models.CharField(_("container"), max_length=40, blank=True)
    video_codec = models.CharField(_("video codec"), max_length=40, blank=True)
    audio_codec = models.CharField(_("audio codec"), max_length=40, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    frame_rate = models.CharField(_("frame rate"), max_length=20, blank=True)
    duration = models.FloatField(_("duration (s)"), null=True, blank=True)
    bitrate = models.PositiveBigIntegerField(_("bitrate (bit/s)"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    access = models.CharField(_("access"), max_length=12, choices=Access.choices, blank=True,
                              help_text=_("Leave empty to follow the item."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "role"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        # Several files may share a role (storyboard sprites); a file belongs to one rendition only.
        constraints = [models.UniqueConstraint(fields=["file"], name="one_rendition_per_file")]
        indexes = [models.Index(fields=["item", "role"])]

    def __str__(self) -> str:
        return f"{self.item.reference} {self.get_role_display()}"

    @property
    def effective_access(self) -> str:
        return self.access or self.item.access

    @property
    def is_preview(self) -> bool:
        return self.role in PREVIEW_ROLES

    @property
    def rate(self) -> Fraction | None:
        return parse_rate(self.frame_rate) if self.frame_rate else None

    def clean(self) -> None:
        """A file uploaded here passes ingest's content check, and its type is the one its content says."""
        file = self.file
        if not file or getattr(file, "_committed", True):
            return  # stored earlier; still sniffed each time it is sent
        expected = ROLE_CONTENT.get(self.role)
        if self.role == Role.MASTER:
            # An item being added has no kind to compare with yet; the probe still decides what the file is.
            expected = (self.item.kind if self.item_id else "", frozenset())
        if expected is None:
            raise ValidationError({"file": _("Files of this role are made by processing the master; they "
                                             "cannot be uploaded.")})
        with _on_disk(file.file) as path:
            try:
                info = probe(path)
            except UnsupportedMedia as exc:
                raise ValidationError({"file": _("The file was refused: %(reason)s")
                                       % {"reason": str(exc).replace(path.name, file.name or "")}}) from exc
            kind, containers = expected
            if (kind and info.kind != kind) or (containers and info.container not in containers):
                raise ValidationError({"file": _("This file is %(found)s; the role “%(role)s” needs %(kind)s "
                                                 "(%(formats)s).") % {
                    "found": f"{Kind(info.kind).label} ({info.container.upper()})",
                    "role": self.get_role_display(), "kind": Kind(kind).label,
                    "formats": ", ".join(sorted(c.upper() for c in containers)) or Kind(kind).label}})
            self.container = info.container
            self.mime_type = media_type(path, info)
            self.size = path.stat().st_size
            self.sha256 = sha256_of(path)

    def preview_url(self) -> str:
        """The preview's address: on the cookieless media origin when one is set (NEWSREEL_MEDIA_ORIGIN) and
        the preview is for anyone; those of restricted or unpublished items need the staff session, so they stay
        on the portal."""
        # The preview view refuses other roles: linking one from a page would be a player that answers 404.
        if not self.is_preview:
            raise ValueError(f"{self.role} is not a preview rendition")
        path = reverse("preview", args=[self.pk])
        origin = settings.NEWSREEL_MEDIA_ORIGIN
        if origin and self.effective_access != Access.RESTRICTED and self.item.is_visible():
            return origin + path
        return path
