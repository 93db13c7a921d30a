"""A real password hasher that also counts its work, to compare what two requests cost without timing them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    # MD5's name, so the hashes the factories make (tests/accounts/conftest.py sets MD5) still verify.
    calls: ClassVar[list[str]] = []

    def encode(self, password: str, salt: str) -> str:
        # Every hash computed goes through encode: new passwords, checks (verify calls encode) and dummy hashes.
        CountingHasher.calls.append("encode")
        return super().encode(password, salt)


def counting(settings: Any) -> type[CountingHasher]:
    settings.PASSWORD_HASHERS = ["tests.accounts.hashing.CountingHasher"]
    CountingHasher.calls.clear()
    return CountingHasher
