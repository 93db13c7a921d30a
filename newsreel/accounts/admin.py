from __future__ import annotations

from django.contrib import admin

from newsreel.accounts.models import Profile, TermsAcceptance, TermsVersion


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at", "created_at"]
    search_fields = ["version"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organisation", "role", "country", "language", "user"]
    list_filter = ["role", "language"]
    search_fields = ["full_name", "organisation", "user__email"]
    raw_id_fields = ["user"]


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "terms", "accepted_at"]
    list_filter = ["terms"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # an acceptance is a record of what happened
