"""Personal API tokens: the only thing the API stores. A token is shown once; only its prefix and hash stay."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read")
    DOWNLOAD = "download", _("Download")
    EDITORIAL = "editorial", _("Editorial (staff)")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal token. The secret is never stored: `prefix` finds the row, `secret_hash` (SHA-256 of the whole
    token, which holds 256 random bits, so no slow hash is needed) proves it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.CharField(_("scopes"), max_length=100, help_text=_("Space-separated: read, download, editorial."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, db_index=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def has_scope(self, scope: str) -> bool:
        # Editorial scope is worth nothing once its holder is no longer staff.
        if scope == Scope.EDITORIAL and not self.user.is_staff:
            return False
        return scope in self.scope_set

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.user.is_active
