"""Saved-search alerts: new matches by e-mail, immediately (at each tick), daily or weekly.

Each match is alerted once per saved search (an AlertHit row, unique). Hits are written in the same
transaction as the mail is sent and the window moves: if sending fails, nothing is recorded and the next run
tries again. A crash between the SMTP server's acceptance and the commit can repeat one alert mail: alerts
are at-least-once, unlike issues, because a missed alert is worse than a repeated one here.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsreel.newsletter.mail import absolute
from newsreel.newsletter.matching import Match, find_matches
from newsreel.newsletter.models import AlertHit, Frequency, SavedSearch

log = logging.getLogger(__name__)

INTERVAL = {Frequency.IMMEDIATE: timedelta(0), Frequency.DAILY: timedelta(days=1),
            Frequency.WEEKLY: timedelta(days=7)}
# Things saved a little before a run may commit a little after it; hits make the overlap harmless.
OVERLAP = timedelta(minutes=30)
MAX_MATCHES = 50


def alerts_run_due(now: datetime | None = None) -> int:
    """Run every saved search whose time has come; returns the number of alert mails sent."""
    now = now or timezone.now()
    sent = 0
    due = SavedSearch.objects.filter(active=True, next_run_at__lte=now).select_related("user").order_by("pk")
    for saved in due:
        try:
            sent += alert_run(saved_search=saved, now=now)
        except Exception:
            log.exception("alert %s failed; it is tried again at the next run", saved.pk)
    return sent


def alert_run(*, saved_search: SavedSearch, now: datetime) -> int:
    since = max(saved_search.checked_until - OVERLAP, saved_search.created_at)
    with transaction.atomic():
        locked = SavedSearch.objects.select_for_update().filter(pk=saved_search.pk, next_run_at__lte=now).first()
        if locked is None:
            return 0  # another run took it
        matches = find_matches(locked.query, lang=locked.language, since=since, until=now, limit=MAX_MATCHES)
        seen = set(AlertHit.objects.filter(saved_search=locked, key__in=[m.key for m in matches])
                   .values_list("key", flat=True))
        new = [m for m in matches if m.key not in seen]
        email = getattr(saved_search.user, "email", "")
        if new and email:
            AlertHit.objects.bulk_create([AlertHit(saved_search=locked, key=m.key, sent_at=now) for m in new])
            alert_message(saved_search=locked, matches=new, to=email).send()
        locked.checked_until = now
        locked.next_run_at = now + INTERVAL[Frequency(locked.frequency)]
        locked.save(update_fields=["checked_until", "next_run_at"])
    return 1 if new and email else 0


def _search_url(query: str) -> str:
    try:
        return absolute(reverse("search:search")) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return absolute(reverse("home"))


def alert_message(*, saved_search: SavedSearch, matches: list[Match], to: str) -> EmailMultiAlternatives:
    lang = saved_search.language
    with translation.override(lang):
        context = {"saved": saved_search, "matches": matches, "SITE_NAME": settings.SITE_NAME, "lang": lang,
                   "search_url": _search_url(saved_search.query),
                   "manage_url": absolute(reverse("newsletter:alerts"))}
        subject = ngettext("%(count)d new result for “%(name)s”", "%(count)d new results for “%(name)s”",
                           len(matches)) % {"count": len(matches), "name": saved_search.name}
        message = EmailMultiAlternatives(
            subject=f"{subject} · {settings.SITE_NAME}", to=[to], from_email=settings.DEFAULT_FROM_EMAIL,
            body=render_to_string("newsletter/email/alert.txt", context),
            headers={"List-Id": f"{settings.SITE_NAME} alerts", "Auto-Submitted": "auto-generated",
                     "X-Newsreel-Alert": _("saved search")})
        message.attach_alternative(render_to_string("newsletter/email/alert.html", context), "text/html")
    return message
