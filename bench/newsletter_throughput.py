"""Newsletter sending throughput to a loopback SMTP server, and what bounds it.

    python bench/newsletter_throughput.py [--subscribers 2000] [--database-url URL]

Runs in a scratch directory: its own SQLite database (or --database-url), an aiosmtpd sink in a separate
process (so client and server do not share a GIL), tasks run inline. Prints messages/second for:
  build     rendering and encoding the 2,000 personalised messages only (no network, no database);
  smtp      pre-built messages over one connection (the SMTP conversation only);
  pipeline  issue_send end to end: claims, status checks, one database commit per message, SMTP.
The ratios say which part bounds throughput on this machine.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the SMTP sink did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="newsletter-bench-"))
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                             "-l", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "newsreel.settings", "NEWSREEL_VAR_DIR": str(scratch),
        "DATABASE_URL": args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
        "NEWSREEL_EMAIL_URL": f"smtp://127.0.0.1:{port}", "NEWSREEL_LOG_LEVEL": "WARNING",
        "NEWSREEL_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "NEWSREEL_MEDIA_ROOT": str(scratch / "media"),
    })
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    try:
        run(args.subscribers, port)
    finally:
        sink.terminate()


def run(count: int, port: int) -> None:
    import django

    django.setup()
    from django.core.mail import get_connection
    from django.core.management import call_command

    from newsreel.newsletter.mail import issue_message, render_issue
    from newsreel.newsletter.models import Issue, Subscriber, SubscriberStatus
    from newsreel.newsletter.sending import issue_send

    call_command("migrate", verbosity=0)
    wait_for_port(port)
    Subscriber.objects.all().delete()
    Subscriber.objects.bulk_create([Subscriber(email=f"reader{n:05d}@example.org", language="fr" if n % 3 else "en",
                                               status=SubscriberStatus.ACTIVE) for n in range(count)], batch_size=500)
    subscribers = list(Subscriber.objects.order_by("pk"))
    issue = Issue.objects.create(subject_en="Bench", subject_fr="Banc", intro_en="Hello", intro_fr="Bonjour")

    started = time.perf_counter()
    rendered = {lang: render_issue(issue, lang) for lang in ("en", "fr")}
    messages = [issue_message(issue, rendered[s.language], s) for s in subscribers]
    payloads = [m.message().as_bytes() for m in messages]
    build = time.perf_counter() - started

    connection = get_connection()
    started = time.perf_counter()
    connection.open()
    for message in messages:
        connection.send_messages([message])
    connection.close()
    smtp_only = time.perf_counter() - started

    started = time.perf_counter()
    issue_send(issue=issue, by=None)
    pipeline = time.perf_counter() - started
    issue.refresh_from_db()
    figures = issue.figures()
    assert figures["sent"] == count, figures

    size = sum(len(p) for p in payloads) / len(payloads)
    print(f"{count} subscribers, {size / 1024:.1f} KiB per message, database {django.db.connection.vendor}")
    for name, seconds in (("build", build), ("smtp", smtp_only), ("pipeline", pipeline)):
        share = seconds / pipeline
        print(f"  {name:9s} {seconds:6.2f} s  {count / seconds:7.0f} messages/s  ({share:4.2f} of pipeline)")


if __name__ == "__main__":
    main()
