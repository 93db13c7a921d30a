"""The owner's pages: their endpoints, each with its secret, its controls and its delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from newsreel.downloads.access import Verdict, account_verdict
from newsreel.downloads.views import refusal
from newsreel.lib.paging import paginate
from newsreel.newsletter.subscriptions import allow
from newsreel.publishing import current_lang
from newsreel.webhooks.forms import EndpointForm
from newsreel.webhooks.models import Endpoint
from newsreel.webhooks.services import (
    MAX_ENDPOINTS,
    endpoint_create,
    endpoint_delete,
    endpoint_disable,
    endpoint_enable,
    endpoint_ping,
    endpoint_rotate_secret,
)

PINGS_PER_HOUR = 10


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def endpoints(request: HttpRequest) -> HttpResponse:
    """Webhooks need what downloads need: a verified address and the terms accepted."""
    verdict = account_verdict(request.user)
    if verdict != Verdict.ALLOWED:
        return refusal(request, verdict)
    assert isinstance(request.user, User)
    mine = Endpoint.objects.filter(owner=request.user).select_related("saved_search")
    form = EndpointForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        if mine.count() >= MAX_ENDPOINTS:
            form.add_error(None, _("You have reached the limit of %(max)d endpoints.") % {"max": MAX_ENDPOINTS})
        else:
            endpoint = endpoint_create(owner=request.user, url=form.cleaned_data["url"],
                                       saved_search=form.cleaned_data["saved_search"],
                                       description=form.cleaned_data["description"])
            messages.success(request, _("Endpoint added. Use the signing secret below to check each request."))
            return redirect("webhooks:endpoint", pk=endpoint.pk)
    return render(request, "webhooks/endpoints.html", {"endpoints": mine, "form": form},
                  status=400 if form.errors else 200)


def _own(request: HttpRequest, pk: int) -> Endpoint:
    return get_object_or_404(Endpoint.objects.select_related("saved_search"), pk=pk, owner=request.user)


@login_required
@never_cache
@require_http_methods(["GET"])
def endpoint(request: HttpRequest, pk: int) -> HttpResponse:
    verdict = account_verdict(request.user)
    if verdict != Verdict.ALLOWED:
        return refusal(request, verdict)
    ep = _own(request, pk)
    page = paginate(request, ep.deliveries.prefetch_related("attempt_log"))
    lang = current_lang()
    rows = [(d, d.title(lang)) for d in page.object_list]
    return render(request, "webhooks/endpoint.html", {"endpoint": ep, "page": page, "rows": rows})


def _ping(request: HttpRequest, ep: Endpoint) -> None:
    if not ep.active:
        messages.error(request, _("Enable the endpoint first."))
    elif not allow(f"webhook-ping:{ep.pk}", limit=PINGS_PER_HOUR, window=3600):
        # Each test makes the portal send a request: not a way to aim it at someone else's server.
        messages.error(request, _("Too many test requests for this endpoint; try again in an hour."))
    else:
        endpoint_ping(endpoint=ep)
        messages.success(request, _("Test request sent. Its result is in the log below."))


@login_required
@require_POST
def endpoint_action(request: HttpRequest, pk: int) -> HttpResponse:
    verdict = account_verdict(request.user)
    if verdict != Verdict.ALLOWED:
        return refusal(request, verdict)
    ep = _own(request, pk)
    action = request.POST.get("action", "")
    if action == "rotate":
        endpoint_rotate_secret(endpoint=ep)
        messages.success(request, _("New signing secret made. The previous one also signs for 24 hours."))
    elif action == "disable":
        endpoint_disable(endpoint=ep, reason=_("Disabled by its owner."))
        messages.success(request, _("Endpoint disabled."))
    elif action == "enable":
        endpoint_enable(endpoint=ep)
        messages.success(request, _("Endpoint enabled."))
    elif action == "ping":
        _ping(request, ep)
    elif action == "delete":
        endpoint_delete(endpoint=ep)
        messages.success(request, _("Endpoint deleted."))
        return redirect("webhooks:endpoints")
    return redirect("webhooks:endpoint", pk=ep.pk)
