"""Building the messages: rendered once per language, then personalised with each subscriber's links.

Rendering an issue is the costly part (templates, queries for articles and thumbnails); doing it once per
language and substituting two URLs per subscriber keeps a batch bound by SMTP, not by templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from newsreel.catalogue.models import Item
from newsreel.news.models import Article
from newsreel.newsletter.models import Issue, Subscriber
from newsreel.newsletter.tokens import manage_token
from newsreel.publishing import localized

MANAGE_MARK = "__newsletter_manage_url__"
UNSUBSCRIBE_MARK = "__newsletter_unsubscribe_url__"
SIGNED_MARK = "__newsletter_signed__"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def subscriber_links(subscriber: Subscriber) -> tuple[str, str]:
    """(preferences URL, one-click unsubscribe URL), in the subscriber's language."""
    token = manage_token(subscriber)
    manage, unsubscribe = _link_patterns(subscriber.language, settings.SITE_URL)
    return manage.replace(SIGNED_MARK, token), unsubscribe.replace(SIGNED_MARK, token)


@lru_cache(maxsize=8)
def _link_patterns(lang: str, site_url: str) -> tuple[str, str]:
    # Resolved once per language rather than twice per message of a 100,000-subscriber issue.
    with translation.override(lang):
        return (absolute(reverse("newsletter:manage", args=[SIGNED_MARK])),
                absolute(reverse("newsletter:unsubscribe", args=[SIGNED_MARK])))


@dataclass(frozen=True)
class Entry:
    title: str
    summary: str
    url: str
    thumbnail: str
    label: str


def _item_entry(item: Item, lang: str) -> Entry:
    thumb = item.thumbnail
    return Entry(localized(item, "title", lang).text, localized(item, "summary", lang).text,
                 absolute(item.get_absolute_url()), absolute(thumb.preview_url()) if thumb else "",
                 str(item.get_kind_display()))


def _article_entry(article: Article, lang: str) -> Entry:
    return Entry(localized(article, "title", lang).text, localized(article, "summary", lang).text,
                 absolute(article.get_absolute_url()), "", str(article.get_type_display()))


def render_issue(issue: Issue, lang: str, *, extra: tuple[list[Article], list[Item]] | None = None) -> Rendered:
    """The issue in one language, with markers where each subscriber's own links go.

    `extra` adds what "everything since the last issue" will bring, for previews and tests of a draft.
    """
    # Only what the public can see: every message, test and preview goes through here, so an editor's draft or
    # embargoed attachment cannot reach a mailbox whichever way the issue is sent (now, scheduled, retried).
    articles, items = issue.public_contents()
    if extra is not None:
        articles += [a for a in extra[0] if a not in articles]
        items += [i for i in extra[1] if i not in items]
    with translation.override(lang):
        context: dict[str, Any] = {
            "issue": issue, "lang": lang, "subject": issue.subject(lang),
            "intro": [p.strip() for p in issue.intro(lang).split("\n\n") if p.strip()],
            "articles": [_article_entry(a, lang) for a in articles],
            "items": [_item_entry(i, lang) for i in items],
            "SITE_NAME": settings.SITE_NAME, "site_url": absolute(reverse("home")),
            "manage_url": MANAGE_MARK, "unsubscribe_url": UNSUBSCRIBE_MARK,
        }
        return Rendered(issue.subject(lang), render_to_string("newsletter/email/issue.txt", context),
                        render_to_string("newsletter/email/issue.html", context))


def issue_message(issue: Issue, rendered: Rendered, subscriber: Subscriber,
                  connection: Any = None) -> EmailMultiAlternatives:
    manage_url, unsubscribe_url = subscriber_links(subscriber)
    message = message_with_links(rendered, to=subscriber.email, manage_url=manage_url,
                                 unsubscribe_url=unsubscribe_url, connection=connection)
    # A stable Message-ID lets receiving systems recognise a copy, should an uncertain delivery be resent.
    message.extra_headers["Message-ID"] = f"<issue-{issue.pk}.{subscriber.pk}@{mail_domain()}>"
    return message


def message_with_links(rendered: Rendered, *, to: str, manage_url: str, unsubscribe_url: str,
                       connection: Any = None) -> EmailMultiAlternatives:
    def fill(text: str) -> str:
        return text.replace(MANAGE_MARK, manage_url).replace(UNSUBSCRIBE_MARK, unsubscribe_url)

    message = EmailMultiAlternatives(
        subject=rendered.subject, body=fill(rendered.text), to=[to], connection=connection,
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers={
            # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to this URL, without cookies.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.SITE_NAME} <newsletter.{mail_domain()}>",
        },
    )
    message.attach_alternative(fill(rendered.html), "text/html")
    return message


def confirmation_message(*, subscriber: Subscriber, language: str, confirm_url: str,
                         already_subscribed: bool) -> EmailMultiAlternatives:
    """The only mail an unconfirmed address ever gets; an active subscriber gets a reminder instead."""
    manage_url, _unsubscribe = subscriber_links(subscriber)
    template = "already_subscribed" if already_subscribed else "confirm"
    with translation.override(language):
        context = {"confirm_url": confirm_url, "manage_url": manage_url, "SITE_NAME": settings.SITE_NAME,
                   "lang": language, "hours": settings.NEWSLETTER_CONFIRM_MAX_AGE // 3600}
        subject = (_("Your %(site)s newsletter subscription") if already_subscribed
                   else _("Confirm your subscription to the %(site)s newsletter")) % {"site": settings.SITE_NAME}
        message = EmailMultiAlternatives(
            subject=subject, body=render_to_string(f"newsletter/email/{template}.txt", context),
            to=[subscriber.email], from_email=settings.DEFAULT_FROM_EMAIL)
        message.attach_alternative(render_to_string(f"newsletter/email/{template}.html", context), "text/html")
    return message

