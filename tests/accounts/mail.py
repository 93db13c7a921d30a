"""Reading one-time codes out of mail received by the loopback SMTP server (tests/mailserver.py)."""

from __future__ import annotations

import re
from typing import Any

CODE_PATTERN = re.compile(r"^\s+([A-Z0-9]{3,5}(?:-[A-Z0-9]{3,5}){1,2})\s*$", re.MULTILINE)


def mail_to(smtp: Any, address: str, count: int = 1) -> Any:
    """The `count`-th message to `address`, waiting for it to arrive."""
    return smtp.wait_for(address, count)[count - 1]


def code_in(mail: Any) -> str:
    """The code in a message, read from its plain-text part as a person would."""
    match = CODE_PATTERN.search(mail.text())
    assert match, f"no code in message:\n{mail.text()}"
    return match.group(1)
