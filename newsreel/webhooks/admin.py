"""Back office: staff manage every endpoint (partner systems among them) and read every delivery log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from newsreel.webhooks.addresses import MAX_URL_LENGTH
from newsreel.webhooks.models import Attempt, Delivery, Endpoint
from newsreel.webhooks.services import (
    check_endpoint_url,
    endpoint_disable,
    endpoint_enable,
    endpoint_rotate_secret,
)


class EndpointAdminForm(forms.ModelForm[Endpoint]):
    url = forms.CharField(label=_("URL"), max_length=MAX_URL_LENGTH, widget=forms.URLInput)

    class Meta:
        model = Endpoint
        fields = ["owner", "url", "description", "saved_search"]

    def clean_url(self) -> str:
        return check_endpoint_url(self.cleaned_data["url"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner, saved = data.get("owner"), data.get("saved_search")
        if owner is not None and saved is not None and saved.user_id != owner.pk:
            self.add_error("saved_search", _("Choose one of the owner's saved searches."))
        return data


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin[Endpoint]):
    form = EndpointAdminForm
    list_display = ["url", "owner", "saved_search", "active", "consecutive_failures", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description", "owner__email"]
    raw_id_fields = ["owner", "saved_search"]
    readonly_fields = ["secret", "active", "disabled_at", "disabled_reason", "consecutive_failures", "created_at",
                       "deliveries_link"]
    actions = ["disable", "enable", "rotate_secret"]

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, obj: Endpoint) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:webhooks_delivery_changelist") + f"?endpoint__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Delivery log"))

    @admin.action(description=_("Disable the selected endpoints"))
    def disable(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            endpoint_disable(endpoint=endpoint, reason=str(_("Disabled by staff.")))
        messages.success(request, _("Endpoints disabled."))

    @admin.action(description=_("Enable the selected endpoints again"))
    def enable(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset.filter(active=False):
            endpoint_enable(endpoint=endpoint)
        messages.success(request, _("Endpoints enabled."))

    @admin.action(description=_("Make new signing secrets"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            endpoint_rotate_secret(endpoint=endpoint)
        messages.success(request, _("New secrets made; the previous ones also sign for 24 hours."))


class AttemptInline(admin.TabularInline[Attempt, Delivery]):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ("started_at", "status_code", "duration_ms", "error", "response_excerpt", "succeeded")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ["created_at", "endpoint", "event", "key", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "event"]
    search_fields = ["uid", "key", "endpoint__url"]
    list_select_related = ["endpoint"]
    fields = ("endpoint", "uid", "key", "event", "body", "status", "attempts", "next_attempt_at", "created_at",
              "delivered_at")
    readonly_fields = fields
    inlines = [AttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
