"""Editors in the back office: preview in both languages, a test to themselves, sending, delivery figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsreel.newsletter.models import Issue, IssueStatus
from tests.factories import make_article, sign_in_staff
from tests.newsletter.conftest import make_issue, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-long-enough-1")
    sign_in_staff(client, user)
    return user


def test_editor_previews_the_email_in_both_languages(client, editor):
    issue = make_issue()
    issue.articles.add(make_article(title_en="Summit opens", title_fr="Ouverture du sommet"))
    english = client.get(reverse("admin:newsletter_issue_preview", args=[issue.pk, "en"]))
    french = client.get(reverse("admin:newsletter_issue_preview", args=[issue.pk, "fr"]))
    assert english.status_code == french.status_code == 200
    assert b"Summit opens" in english.content and "Ouverture du sommet" in french.content.decode()
    assert "Actualités" in french.content.decode()
    policy = french["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src 'none'" in policy


def test_preview_is_for_staff_only(client, db):
    issue = make_issue()
    response = client.get(reverse("admin:newsletter_issue_preview", args=[issue.pk, "en"]))
    assert response.status_code == 302 and "login" in response.url


def test_editor_sends_a_test_to_themselves_in_both_languages(client, editor, smtp):
    make_subscriber("reader@example.org")
    issue = make_issue()
    response = client.post(reverse("admin:newsletter_issue_send", args=[issue.pk]), {"action": "test"})
    assert response.status_code == 302
    subjects = sorted(m.subject for m in smtp.wait_for("editor@example.org", count=2))
    assert subjects == ["[Test] Cette semaine au centre", "[Test] This week at the centre"]
    assert smtp.to("reader@example.org") == []
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_editor_sends_the_issue_and_sees_the_figures(client, editor, smtp, django_capture_on_commit_callbacks):
    make_subscriber("one@example.org")
    make_subscriber("two@example.org")
    make_subscriber("gone@example.org")
    smtp.refuse["gone@example.org"] = 550
    issue = make_issue()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:newsletter_issue_send", args=[issue.pk]), {"action": "send"})
    page = client.get(reverse("admin:newsletter_issue_send", args=[issue.pk])).content.decode()
    assert "<td>2</td><td>1</td><td>0</td><td>0</td><td>0</td><td>3</td>" in page
    changelist = client.get(reverse("admin:newsletter_issue_changelist")).content.decode()
    assert "2 sent, 1 failed, 0 suspended, 0 pending, 0 uncertain (of 3)" in changelist


def test_editor_schedules_an_issue(client, editor, clock):
    import datetime as dt

    issue = make_issue(send_at=clock.now + dt.timedelta(days=1))
    client.post(reverse("admin:newsletter_issue_send", args=[issue.pk]), {"action": "schedule"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED


def test_editor_composes_an_issue_in_the_back_office(client, editor):
    article = make_article()
    response = client.post(reverse("admin:newsletter_issue_add"), {
        "subject_en": "Weekly", "subject_fr": "Hebdo", "intro_en": "Hi", "intro_fr": "Salut",
        "articles": [article.pk], "fill_since_last": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    issue = Issue.objects.get()
    assert issue.created_by == editor and list(issue.articles.all()) == [article]


def test_preview_of_a_draft_shows_what_everything_since_the_last_issue_will_bring(client, editor):
    make_article(title_en="Fresh story")
    issue = make_issue(fill_since_last=True)
    page = client.get(reverse("admin:newsletter_issue_preview", args=[issue.pk, "en"]))
    assert b"Fresh story" in page.content
    assert not issue.articles.exists()  # chosen when sent, not when previewed


def _attach_mixed_contents(issue):
    """One public article and item, and one of each that subscribers must not get: drafts, embargoed, withdrawn."""
    from django.utils import timezone

    from newsreel.publishing import Status
    from tests.factories import make_item

    later = timezone.now() + dt.timedelta(days=2)
    issue.articles.add(
        make_article(title_en="Public article"),
        make_article(title_en="Draft article", status=Status.DRAFT),
        make_article(title_en="Embargoed article", status=Status.SCHEDULED, publish_at=later),
        make_article(title_en="Published later article", status=Status.PUBLISHED, publish_at=later),
        make_article(title_en="Withdrawn article", status=Status.WITHDRAWN),
    )
    issue.items.add(
        make_item(title_en="Public item"),
        make_item(title_en="Draft item", status=Status.DRAFT),
        make_item(title_en="Embargoed item", status=Status.SCHEDULED, publish_at=later),
    )


HIDDEN = ["Draft article", "Embargoed article", "Published later article", "Withdrawn article", "Draft item",
          "Embargoed item"]


def test_sending_leaves_out_drafts_and_embargoed_content_and_warns_the_editor(
        client, editor, smtp, django_capture_on_commit_callbacks):
    make_subscriber("reader@example.org")
    issue = make_issue()
    _attach_mixed_contents(issue)

    page = client.get(reverse("admin:newsletter_issue_send", args=[issue.pk])).content.decode()
    assert "not public" in page  # warned before sending, each one named
    assert all(title in page for title in HIDDEN)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:newsletter_issue_send", args=[issue.pk]), {"action": "send"},
                               follow=True)
    warnings = " ".join(str(m) for m in response.context["messages"])
    assert "6 attached" in warnings and "left out" in warnings

    mail = smtp.wait_for("reader@example.org")[0]
    for body in (mail.text(), mail.html()):
        assert "Public article" in body and "Public item" in body
        assert not [title for title in HIDDEN if title in body]


def test_a_scheduled_issue_never_mails_content_that_is_not_public(smtp, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from newsreel.newsletter.sending import start_due_issues

    make_subscriber("reader@example.org")
    issue = make_issue(status=IssueStatus.SCHEDULED, send_at=timezone.now() - dt.timedelta(minutes=1))
    _attach_mixed_contents(issue)
    with django_capture_on_commit_callbacks(execute=True):
        assert start_due_issues() == [issue.pk]  # no editor there to read a warning
    body = smtp.wait_for("reader@example.org")[0].text()
    assert "Public article" in body and not [title for title in HIDDEN if title in body]


def test_previews_and_tests_show_what_subscribers_would_get(client, editor, smtp):
    issue = make_issue()
    _attach_mixed_contents(issue)
    preview = client.get(reverse("admin:newsletter_issue_preview", args=[issue.pk, "en"])).content.decode()
    assert "Public article" in preview and not [title for title in HIDDEN if title in preview]
    client.post(reverse("admin:newsletter_issue_send", args=[issue.pk]), {"action": "test"})
    body = smtp.wait_for("editor@example.org", count=2)[0].text()
    assert "Public item" in body and not [title for title in HIDDEN if title in body]
