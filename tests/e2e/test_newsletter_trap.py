"""A person who trips the newsletter form's robot traps is asked to confirm, never silently dropped."""

from __future__ import annotations

from newsreel.newsletter.models import Subscriber


def test_form_sent_too_fast_asks_to_confirm_and_then_sends_the_mail(site, page, smtp, settings):
    settings.NEWSLETTER_FORM_MIN_SECONDS = 60  # the browser is always faster than this
    page.goto(f"{site.url}/en/newsletter/")
    page.fill("input[name=email]", "fast.typist@example.org")
    page.click("form[action$='/newsletter/'] button[type=submit]")

    assert "Please confirm you want to subscribe" in page.inner_text("h1")
    assert "Check your mailbox" not in page.content()
    assert smtp.messages == [] and not Subscriber.objects.exists()

    page.click("text=Yes, subscribe me")
    assert "Check your mailbox" in page.inner_text("h1")
    [mail] = smtp.wait_for("fast.typist@example.org")
    assert "onfirm" in mail.subject
    assert not page.errors
