from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin  # importing registers them, to be replaced below
from django.contrib.auth.models import Group, User
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from newsreel.front.models import FooterLink, SiteIdentity
from newsreel.lib.formfields import BOUNDED_MANY_TO_MANY

# Django's own user and group pages, with the posted ids of their many-to-many fields (groups, permissions)
# bounded like those of the portal's pages: SQLite raises OverflowError on an id past 64 bits.
for _model, _base in ((Group, GroupAdmin), (User, UserAdmin)):
    admin.site.unregister(_model)
    admin.site.register(_model, type(_base.__name__, (_base,), {"formfield_overrides": BOUNDED_MANY_TO_MANY}))


class FooterLinkInline(admin.TabularInline):
    model = FooterLink
    extra = 1
    fields = ["label_en", "label_fr", "url", "position"]


@admin.register(SiteIdentity)
class SiteIdentityAdmin(admin.ModelAdmin):
    """A singleton: the list leads straight to the one row (or to adding it)."""

    inlines = [FooterLinkInline]
    fields = ["name_en", "name_fr", "short_name", "logo", "brand_colour"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not SiteIdentity.objects.exists()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        if SiteIdentity.objects.filter(pk=1).exists():
            return HttpResponseRedirect(reverse("admin:front_siteidentity_change", args=[1]))
        return HttpResponseRedirect(reverse("admin:front_siteidentity_add"))
