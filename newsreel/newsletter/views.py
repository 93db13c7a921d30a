from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsreel.lib.ratelimit import client_ip
from newsreel.newsletter.forms import PreferencesForm, SavedSearchForm, SubscribeForm
from newsreel.newsletter.models import Frequency, SavedSearch, Subscriber, SubscriberStatus
from newsreel.newsletter.subscriptions import (
    allow,
    subscription_cancel,
    subscription_confirm,
    subscription_request,
    subscription_update,
)
from newsreel.newsletter.tokens import (
    LinkExpired,
    LinkInvalid,
    LinkUsed,
    human_token,
    read_confirmation,
    read_manage,
)
from newsreel.publishing import current_lang


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            if not allow(f"ip:{client_ip(request)}", limit=settings.NEWSLETTER_RATE_PER_IP, window=3600):
                return render(request, "newsletter/subscribe.html", {"form": form, "limited": True}, status=429)
            if form.looks_automated():
                # A trap can catch a fast typist or a password manager: ask, never drop a person silently.
                return render(request, "newsletter/confirm_subscribe.html",
                              {"form": form, "human_token": human_token()})
            user = request.user if request.user.is_authenticated else None
            subscription_request(email=form.cleaned_data["email"], language=form.cleaned_data["language"],
                                 topics=form.cleaned_data["topics"], user=user)
            # The same answer whatever happened: it must not tell whether the address was known.
            return redirect("newsletter:sent")
    else:
        email = request.GET.get("email", "")[:254]
        if not email and request.user.is_authenticated:
            email = getattr(request.user, "email", "")
        form = SubscribeForm(initial={"email": email, "language": current_lang()})
    return render(request, "newsletter/subscribe.html", {"form": form})


def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/sent.html", {"hours": settings.NEWSLETTER_CONFIRM_MAX_AGE // 3600})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: link scanners that fetch every URL in a mail confirm nothing."""
    try:
        confirm_request = read_confirmation(token)
        if request.method == "POST":
            subscriber = subscription_confirm(request=confirm_request)
            return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
    except LinkExpired:
        return render(request, "newsletter/link_problem.html", {"expired": True}, status=410)
    except LinkUsed:
        return render(request, "newsletter/link_problem.html", {"used": True}, status=410)
    except LinkInvalid:
        return render(request, "newsletter/link_problem.html", {"expired": False}, status=404)
    return render(request, "newsletter/confirm.html", {"email": confirm_request.subscriber.email})


def _subscriber_or_404(request: HttpRequest, token: str) -> Subscriber | HttpResponse:
    subscriber = read_manage(token)
    if subscriber is None:
        return render(request, "newsletter/link_problem.html", {"expired": False}, status=404)
    return subscriber


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _subscriber_or_404(request, token)
    if isinstance(subscriber, HttpResponse):
        return subscriber
    initial = {"language": subscriber.language, "topics": list(subscriber.topics.all())}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        subscription_update(subscriber=subscriber, language=form.cleaned_data["language"],
                            topics=form.cleaned_data["topics"])
        messages.success(request, _("Your preferences are saved."))
        return HttpResponseRedirect(request.path)
    return render(request, "newsletter/manage.html", {
        "form": form, "subscriber": subscriber, "token": token,
        "unsubscribed": subscriber.status != SubscriberStatus.ACTIVE,
    })


@csrf_exempt  # RFC 8058: mail clients POST here without cookies or a CSRF token; the signed URL is the secret.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET only asks (link scanners fetch URLs); POST, from our button or a mail client, unsubscribes."""
    subscriber = _subscriber_or_404(request, token)
    if isinstance(subscriber, HttpResponse):
        return subscriber
    if request.method == "POST":
        subscription_cancel(subscriber=subscriber)
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber, "token": token})
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token})


@login_required
@require_http_methods(["GET", "POST"])
def alerts(request: HttpRequest) -> HttpResponse:
    """The user's saved searches; POST saves the search page's current query."""
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.user = request.user  # type: ignore[assignment]
            saved.save()
            messages.success(request, _("Search saved. You will receive alerts for new matches."))
            return redirect("newsletter:alerts")
    else:
        query = request.GET.get("query", "")
        form = SavedSearchForm(initial={"query": query, "name": request.GET.get("name", "")[:120],
                                        "language": current_lang()})
    searches = SavedSearch.objects.filter(user=request.user).order_by("name")  # type: ignore[misc]
    return render(request, "newsletter/alerts.html",
                  {"form": form, "saved": searches, "frequencies": Frequency.choices})


@login_required
@require_http_methods(["POST"])
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    if request.POST.get("action") == "delete":
        saved.delete()
    else:
        frequency = request.POST.get("frequency", "")
        if frequency in Frequency.values:
            saved.frequency = frequency
        saved.active = request.POST.get("active") == "1"
        saved.save(update_fields=["frequency", "active"])
    return redirect(reverse("newsletter:alerts"))
