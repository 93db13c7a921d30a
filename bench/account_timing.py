"""Does an account request take longer when the address has an account? (issue #14, point 3)

    python -m bench.account_timing [--rounds 15] [--database-url URL]

Runs in a scratch directory with its own SQLite database (or --database-url), the production password hasher
(PBKDF2) and mail kept in memory. For sign-up, failed sign-in and reset request it sends the same request for an
address that has an account and one that has none, alternating, and prints the median times and their ratio
(1.00 = nothing to learn). The tests (tests/accounts/test_enumeration_work.py) count the work exactly; this
shows what is left in wall time: database writes for a new account, which are small beside the hash.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PASSWORD = "Press-pass-2026!"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="account-timing-"))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "newsreel.settings", "NEWSREEL_VAR_DIR": str(scratch),
        "DATABASE_URL": args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
        "NEWSREEL_EMAIL_URL": "memory://", "NEWSREEL_LOG_LEVEL": "WARNING",
        "NEWSREEL_MEDIA_ROOT": str(scratch / "media"),
    })
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run(args.rounds)


def run(rounds: int) -> None:
    from django.core.cache import cache
    from django.test import Client

    from tests.factories import make_member

    make_member(email="known@example.org", password=PASSWORD)
    counter = iter(range(10**9))

    def timed(send: Callable[[Client], object]) -> float:
        cache.clear()  # rate limits would otherwise stop the rounds
        client = Client(REMOTE_ADDR=f"10.0.{next(counter) % 250}.1")
        start = time.perf_counter()
        send(client)
        return time.perf_counter() - start

    def signup(email: str) -> Callable[[Client], object]:
        return lambda c: c.post("/en/accounts/signup/", {
            "email": email, "password1": PASSWORD, "password2": PASSWORD, "full_name": "Ada Reporter",
            "organisation": "Example Broadcasting", "role": "broadcaster", "country": "Belgium", "language": "en",
            "accept_terms": "on"})

    def login(email: str) -> Callable[[Client], object]:
        return lambda c: c.post("/en/accounts/login/", {"login": email, "password": "Wrong-guess-2026!"})

    def reset(email: str) -> Callable[[Client], object]:
        return lambda c: c.post("/en/accounts/password/reset/", {"email": email})

    cases = {"sign-up": signup, "failed sign-in": login, "reset request": reset}
    print(f"{'request':16} {'known (ms)':>11} {'unknown (ms)':>13} {'known/unknown':>14}")
    for name, make in cases.items():
        known: list[float] = []
        unknown: list[float] = []
        timed(make("warm-up@example.org"))
        for i in range(rounds):
            known.append(timed(make("known@example.org")))
            unknown.append(timed(make(f"new{name[:2]}{i}@example.org")))
        k, u = statistics.median(known) * 1000, statistics.median(unknown) * 1000
        print(f"{name:16} {k:11.1f} {u:13.1f} {k / u:14.2f}")


if __name__ == "__main__":
    main()
