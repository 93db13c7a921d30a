"""Back office: topics, subscribers, issues (compose, preview in both languages, test, schedule, send,
delivery figures) and saved searches."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsreel.lib.formfields import BOUNDED_MANY_TO_MANY
from newsreel.media.numbers import is_whole_number, whole_number
from newsreel.newsletter.mail import render_issue
from newsreel.newsletter.models import Delivery, DeliveryStatus, Issue, IssueStatus, SavedSearch, Subscriber, Topic
from newsreel.newsletter.sending import (
    IssueStateError,
    issue_schedule,
    issue_send,
    issue_send_test,
    issue_unschedule,
    uncertain_resolve,
    upcoming_contents,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["slug", "name_en", "name_fr", "position", "active"]
    list_editable = ["position", "active"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin[Subscriber]):
    formfield_overrides = BOUNDED_MANY_TO_MANY
    list_display = ["email", "status", "language", "hard_bounces", "created_at", "confirmed_at"]
    list_filter = ["status", "language", "topics"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "confirmed_at", "unsubscribed_at", "hard_bounces", "user"]
    filter_horizontal = ["topics"]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin[Issue]):
    formfield_overrides = BOUNDED_MANY_TO_MANY
    list_display = ["subject_en", "status", "send_at", "started_at", "delivery_figures"]
    list_filter = ["status"]
    search_fields = ["subject_en", "subject_fr"]
    filter_horizontal = ["topics"]
    autocomplete_fields = ["articles", "items"]  # the catalogue is too large for a select list
    fieldsets = [
        (None, {"fields": ["subject_en", "intro_en", "subject_fr", "intro_fr"]}),
        (_("Contents"), {"fields": ["fill_since_last", "articles", "items"]}),
        (_("Recipients and sending"), {"fields": ["topics", "send_at", "tools", "delivery_figures"]}),
    ]
    readonly_fields = ["tools", "delivery_figures"]

    def get_readonly_fields(self, request: HttpRequest, obj: Issue | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status not in (IssueStatus.DRAFT, IssueStatus.SCHEDULED):
            # What went out is a record: it is no longer edited.
            fields += ["subject_en", "intro_en", "subject_fr", "intro_fr", "fill_since_last", "articles", "items",
                       "topics", "send_at"]
        return fields

    def save_model(self, request: HttpRequest, obj: Issue, form: Any, change: bool) -> None:
        if obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.display(description=_("delivery"))
    def delivery_figures(self, issue: Issue) -> str:
        if issue.pk is None or issue.status in (IssueStatus.DRAFT, IssueStatus.SCHEDULED):
            return "—"
        f = issue.figures()
        return str(_("%(sent)d sent, %(failed)d failed, %(suspended)d suspended, %(pending)d pending, "
                     "%(uncertain)d uncertain (of %(total)d)") % f)

    @admin.display(description=_("preview and send"))
    def tools(self, issue: Issue) -> str:
        if issue.pk is None:
            return str(_("Save the issue first."))
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}" target="_blank" rel="noopener">{}</a>'
            ' · <a href="{}">{}</a>',
            reverse("admin:newsletter_issue_preview", args=[issue.pk, "en"]), _("Preview (English)"),
            reverse("admin:newsletter_issue_preview", args=[issue.pk, "fr"]), _("Preview (French)"),
            reverse("admin:newsletter_issue_send", args=[issue.pk]), _("Test, schedule or send…"),
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/<str:lang>/", view(self.preview), name="newsletter_issue_preview"),
            path("<int:pk>/send/", view(self.send_view), name="newsletter_issue_send"),
            *super().get_urls(),
        ]

    def _issue(self, request: HttpRequest, pk: int, *, change: bool) -> Issue:
        issue = get_object_or_404(Issue, pk=pk)
        allowed = self.has_change_permission(request, issue) if change else self.has_view_permission(request, issue)
        if not allowed:
            raise PermissionDenied
        return issue

    def preview(self, request: HttpRequest, pk: int, lang: str) -> HttpResponse:
        """The e-mail HTML as a subscriber gets it. Its inline styles need their own, narrower policy."""
        if lang not in ("en", "fr"):
            raise Http404
        issue = self._issue(request, pk, change=False)
        response = HttpResponse(render_issue(issue, lang, extra=upcoming_contents(issue)).html)
        # The page is our own template with editors' text escaped: inline styles yes, scripts never.
        response._csp_replace = {  # type: ignore[attr-defined]
            "default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["*", "data:"],
            "script-src": ["'none'"], "form-action": ["'none'"],
        }
        return response

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        issue = self._issue(request, pk, change=True)
        if request.method == "POST":
            return self._send_action(request, issue)
        articles, items = issue.withheld_contents()
        context = {**self.admin_site.each_context(request), "issue": issue, "opts": self.model._meta,
                   "withheld": [*articles, *items],
                   "figures": issue.figures(), "now": timezone.now(), "title": _("Send the issue"),
                   "uncertain": issue.deliveries.filter(status=DeliveryStatus.UNCERTAIN).select_related("subscriber")}
        return TemplateResponse(request, "admin/newsletter/issue/send.html", context)

    def _send_action(self, request: HttpRequest, issue: Issue) -> HttpResponse:
        action = request.POST.get("action")
        back = reverse("admin:newsletter_issue_send", args=[issue.pk])
        try:
            if action == "test":
                address = getattr(request.user, "email", "")
                if not address:
                    messages.error(request, _("Your account has no e-mail address."))
                else:
                    issue_send_test(issue=issue, to=address)
                    messages.success(request, _("A test in each language was sent to %(email)s.") % {"email": address})
                    self._warn_withheld(request, issue)
            elif action == "schedule":
                if issue.send_at is None or issue.send_at <= timezone.now():
                    messages.error(request, _("Set a future “send at” time on the issue first."))
                else:
                    issue_schedule(issue=issue, send_at=issue.send_at, by=request.user)  # type: ignore[arg-type]
                    messages.success(request, _("Scheduled: the issue goes out by itself at the time set."))
            elif action == "unschedule":
                issue_unschedule(issue=issue)
                messages.success(request, _("Back to draft."))
            elif action == "send":
                issue = issue_send(issue=issue, by=request.user)  # type: ignore[arg-type]
                messages.success(request, _("Sending has started."))
                self._warn_withheld(request, issue)
            elif action in ("mark_delivered", "resend"):
                ids = [whole_number(i) for i in request.POST.getlist("subscriber") if is_whole_number(i)]
                if action == "mark_delivered":
                    uncertain_resolve(issue=issue, delivered=ids)
                else:
                    uncertain_resolve(issue=issue, resend=ids)
                messages.success(request, _("Done."))
        except IssueStateError as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(back)

    def _warn_withheld(self, request: HttpRequest, issue: Issue) -> None:
        articles, items = issue.withheld_contents()
        withheld = [*articles, *items]
        if withheld:
            messages.warning(request, ngettext(
                "%(count)d attached article or media item is not public (draft, embargoed or withdrawn) and was "
                "left out of the e-mail: %(titles)s.",
                "%(count)d attached articles or media items are not public (draft, embargoed or withdrawn) and "
                "were left out of the e-mail: %(titles)s.",
                len(withheld),
            ) % {"count": len(withheld), "titles": "; ".join(str(thing) for thing in withheld)})

    @admin.action(description=_("Send a test of the selected issues to me"))
    def send_test(self, request: HttpRequest, queryset: QuerySet[Issue]) -> None:
        for issue in queryset:
            issue_send_test(issue=issue, to=getattr(request.user, "email", ""))

    actions = ["send_test"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ["issue", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email"]
    list_select_related = ["issue", "subscriber"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin[SavedSearch]):
    list_display = ["name", "user", "frequency", "active", "next_run_at"]
    list_filter = ["frequency", "active"]
    search_fields = ["name", "query", "user__email"]
    raw_id_fields = ["user"]

