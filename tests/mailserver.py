"""A real SMTP server on loopback for tests: Django sends through its SMTP backend, tests read what arrived.

Register in a conftest with `from tests.mailserver import smtp_server  # noqa: F401`, then use the `smtp_server`
fixture: `smtp_server.wait_for(to="a@example.org")` returns the parsed message.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class ReceivedMail:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def body(self, subtype: str = "plain") -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""

    @property
    def text(self) -> str:
        return self.body("plain")

    @property
    def html(self) -> str:
        return self.body("html")


@dataclass
class MailInbox:
    messages: list[ReceivedMail] = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        mail = ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), parsed)  # type: ignore[arg-type]
        with self.condition:
            self.messages.append(mail)
            self.condition.notify_all()
        return "250 Message accepted for delivery"


class SmtpTestServer:
    def __init__(self, host: str, port: int, inbox: MailInbox) -> None:
        self.host = host
        self.port = port
        self.inbox = inbox

    @property
    def messages(self) -> list[ReceivedMail]:
        return list(self.inbox.messages)

    def clear(self) -> None:
        with self.inbox.condition:
            self.inbox.messages.clear()

    def wait_for(self, to: str, count: int = 1, timeout: float = 10.0) -> ReceivedMail:
        """The `count`-th message to `to`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        with self.inbox.condition:
            while True:
                found = [m for m in self.inbox.messages if to.lower() in (r.lower() for r in m.recipients)]
                if len(found) >= count:
                    return found[count - 1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no message #{count} to {to} within {timeout}s; got {self.messages!r}")
                self.inbox.condition.wait(remaining)


CODE_PATTERN = re.compile(r"^\s+([A-Z0-9]{3,5}(?:-[A-Z0-9]{3,5}){1,2})\s*$", re.MULTILINE)


def code_in(mail: ReceivedMail) -> str:
    """The one-time code in a message, read from the plain-text part as a person would."""
    match = CODE_PATTERN.search(mail.text)
    assert match, f"no code in message:\n{mail.text}"
    return match.group(1)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpTestServer]:
    """A real SMTP server on a free loopback port, with Django switched to its SMTP backend pointing at it."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    inbox = MailInbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield SmtpTestServer("127.0.0.1", port, inbox)
    finally:
        controller.stop()
