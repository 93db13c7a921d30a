from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives


def test_django_mail_reaches_the_loopback_smtp_server(smtp):
    message = EmailMultiAlternatives("Bonjour", "plain body", "portal@example.org", ["reader@example.org"])
    message.attach_alternative("<p>html body</p>", "text/html")
    message.send()
    [received] = smtp.wait_for("reader@example.org")
    assert received.subject == "Bonjour"
    assert received.text().strip() == "plain body"
    assert "html body" in received.html()


def test_refused_recipient_is_reported_to_the_sender(smtp):
    import smtplib

    smtp.refuse["gone@example.org"] = 550
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        EmailMultiAlternatives("x", "y", "portal@example.org", ["gone@example.org"]).send()
