"""Password reset by e-mailed code, on top of allauth's code process.

allauth keeps the code in plain text in the session, measures its lifetime with time.time() from the first
request and cannot resend. This process keeps only a keyed hash of the code, times it from the latest sending
with Django's clock, and can send a new code (which replaces the old one) after a cooldown.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.password_reset_by_code import (
    PASSWORD_RESET_VERIFICATION_SESSION_KEY,
    PasswordResetVerificationProcess,
)
from allauth.account.internal.flows.signup import send_unknown_account_mail
from allauth.core.internal.cryptokit import normalize_user_code
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

_HASH_SALT = "newsreel.accounts.reset-code"


def hash_code(code: str) -> str:
    # Keyed with SECRET_KEY: a leaked session table alone does not let anyone try the small code space offline.
    return salted_hmac(_HASH_SALT, normalize_user_code(code), algorithm="sha256").hexdigest()


def code_matches(code: str, expected_hash: str) -> bool:
    return bool(expected_hash) and constant_time_compare(hash_code(code), expected_hash)


def _now() -> float:
    return timezone.now().timestamp()


class HashedResetCodeProcess(PasswordResetVerificationProcess):
    @property
    def code(self) -> str:
        # Never the code itself: the confirm form receives the hash and hashes what was typed.
        return str(self.state.get("code_hash", ""))

    @property
    def next_url(self) -> str:
        return str(self.state.get("next", ""))

    def is_valid(self) -> bool:
        started = self.state.get("confirmed_at") or self.state.get("sent_at") or 0
        return _now() - float(started) <= self.timeout

    def send(self) -> None:
        email = self.state["email"]
        self.state.pop("code", None)
        self.state["sent_at"] = _now()
        self.state["failed_attempts"] = 0
        if not self.user:
            # Same page and timing for unknown addresses; the address owner learns no account exists.
            self.state["code_hash"] = ""
            send_unknown_account_mail(self.request, email)
            return
        adapter = get_adapter()
        code = adapter.generate_password_reset_code()
        self.state["code_hash"] = hash_code(code)
        context = {
            "request": self.request,
            "code": code,
            "user": self.user,
            "minutes": max(1, self.timeout // 60),
        }
        adapter.send_mail("account/email/password_reset_code", email, context)

    def confirm_code(self) -> None:
        if self.state.get("code_confirmed"):
            return
        self.state["confirmed_at"] = _now()
        self.state["code_hash"] = ""  # single use: nothing left to match
        super().confirm_code()

    # --- Resending -------------------------------------------------------------------------------------
    def seconds_until_resend(self) -> int:
        cooldown = settings.NEWSREEL_RESET_CODE_RESEND_COOLDOWN
        return max(0, int(float(self.state.get("sent_at", 0)) + cooldown - _now() + 0.999))

    @property
    def can_resend(self) -> bool:
        return not self.is_resend_quota_reached(settings.NEWSREEL_RESET_CODE_MAX_RESENDS)

    def resend(self) -> None:
        """Replaces the code: the previous one stops working at once."""
        self.record_resend()
        self.send()
        self.persist()

    @classmethod
    def start(
        cls, *, request: HttpRequest, user: AbstractBaseUser | None, email: str, next_url: str = ""
    ) -> HashedResetCodeProcess:
        state: dict[str, Any] = cls.initial_state(user, email)
        if next_url:
            state["next"] = next_url
        process = cls(request, state=state, user=user)
        process.send()
        process.persist()
        return process

    @classmethod
    def resume(cls, request: HttpRequest) -> HashedResetCodeProcess | None:
        state = request.session.get(PASSWORD_RESET_VERIFICATION_SESSION_KEY)
        if not state or "sent_at" not in state:
            return None
        process = cls(request, state=state)
        return process.abort_if_invalid()
