"""The institution's identity, editable in the back office; blank fields fall back to the settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image

from newsreel.env import check_brand_colour

LOGO_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
LOGO_MAX_PIXELS = 4096 * 4096


def validate_brand_colour(value: str) -> None:
    try:
        check_brand_colour(value)
    except ValueError as exc:
        raise ValidationError(
            _("Use a hex colour such as #0b4f9c, dark enough for white text on it (contrast at least 4.5:1). %(why)s"),
            code="brand_colour", params={"why": str(exc)},
        ) from exc


def validate_logo(file: Any) -> None:
    """PNG, JPEG, WebP or GIF read by Pillow, within the size limit; SVG (which may carry script) is refused."""
    if file.size > settings.NEWSREEL_LOGO_MAX_BYTES:
        raise ValidationError(_("The logo is too large (at most %(kb)d KB)."), code="logo_size",
                              params={"kb": settings.NEWSREEL_LOGO_MAX_BYTES // 1024})
    if not isinstance(file, UploadedFile) and getattr(file, "_committed", True):
        return  # already stored: checked when it was uploaded
    head = file.read(512)
    file.seek(0)
    if b"<svg" in head.lower() or head.lstrip().startswith(b"<"):
        raise ValidationError(_("SVG logos are not accepted; upload a PNG, JPEG or WebP image."), code="logo_svg")
    try:
        with Image.open(file) as image:
            fmt, pixels = image.format, image.width * image.height
            image.verify()
    except Exception as exc:
        raise ValidationError(_("The logo is not an image that can be read (PNG, JPEG or WebP)."),
                              code="logo_unreadable") from exc
    finally:
        file.seek(0)
    if fmt not in LOGO_FORMATS or pixels > LOGO_MAX_PIXELS:
        raise ValidationError(_("The logo must be a PNG, JPEG or WebP image of at most 4096 × 4096 pixels."),
                              code="logo_format")


class SiteIdentity(models.Model):
    """One row at most (pk 1). Saving it or its links clears the cached identity (front/identity.py)."""

    name_en = models.CharField(_("name (English)"), max_length=150, blank=True,
                               help_text=_("Blank: the NEWSREEL_SITE_NAME setting."))
    name_fr = models.CharField(_("name (French)"), max_length=150, blank=True,
                               help_text=_("Blank: the NEWSREEL_SITE_NAME_FR setting."))
    short_name = models.CharField(_("short name"), max_length=40, blank=True,
                                  help_text=_("Shown in the header. Blank: the NEWSREEL_SHORT_NAME setting."))
    logo = models.ImageField(_("logo"), upload_to="identity/", blank=True, validators=[validate_logo],
                             width_field="logo_width", height_field="logo_height",
                             help_text=_("PNG, JPEG or WebP. Blank: the neutral Newsreel mark."))
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    brand_colour = models.CharField(_("primary colour"), max_length=7, blank=True,
                                    validators=[validate_brand_colour],
                                    help_text=_("Hex, such as #0b4f9c. Blank: the NEWSREEL_BRAND_COLOUR setting."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")

    def __str__(self) -> str:
        return str(_("Site identity"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        if self.brand_colour:
            self.brand_colour = check_brand_colour(self.brand_colour)
        super().save(*args, **kwargs)
        _forget()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        result = super().delete(*args, **kwargs)
        _forget()
        return result


class FooterLink(models.Model):
    identity = models.ForeignKey(SiteIdentity, on_delete=models.CASCADE, related_name="footer_links")
    label_en = models.CharField(_("label (English)"), max_length=80)
    label_fr = models.CharField(_("label (French)"), max_length=80)
    url = models.CharField(_("address"), max_length=500,
                           help_text=_("A path on this site (/en/...) or a full https:// address."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("footer link")
        verbose_name_plural = _("footer links")

    def __str__(self) -> str:
        return self.label_en

    def clean(self) -> None:
        if not self.url.startswith(("/", "https://", "http://")) or self.url.startswith("//"):
            raise ValidationError({"url": _("Use a path starting with / or an address starting with https://.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _forget()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        result = super().delete(*args, **kwargs)
        _forget()
        return result


def _forget() -> None:
    from newsreel.front.identity import forget_identity

    forget_identity()
