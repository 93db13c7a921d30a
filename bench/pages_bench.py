"""Pages under load: this tree against a base commit, side by side, 32 concurrent clients (wrk).

    .venv/bin/python -m bench.pages_bench [--base 79d2780] [--clients 32] [--seconds 10] [--video-scale 0.2]

Both portals are served as `make run` serves them (`newsreel serve`: gunicorn, 2 workers x 8 threads, SQLite),
on loopback ports 8210 (base) and 8211 (this tree; `--port` moves both), with the same demo content: it is
made once with this tree (`newsreel migrate`, `newsreel demo`, the media worker run to the end) and copied for
each portal, as the two schemas are the same. The base's code comes from `git archive`, run with this venv's
packages. The background task workers are not started (`--no-worker`): nothing is queued by the time the pages
are measured.

Pages: anonymous home, video page, article and search, and the video page signed in (a session of a verified
member, sent as a cookie). For each page, base then this tree, each after a short warm-up; wrk's own
percentiles give p95 (a Lua `done` hook). Prints req/s and p95 for both and their ratios. Everything lives in
bench/out/pages/ (the prepared demo is kept there for the next run; `--fresh` makes it again).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "pages"
PYTHON = sys.executable
GOALS = "goals: anonymous pages >= 10x the base's throughput with p95 <= 100 ms; signed-in video p95 <= 250 ms"
WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\\n", latency:percentile(95)))
  io.write(string.format("ERRORS %d\\n", summary.errors.connect + summary.errors.read + summary.errors.write
                                        + summary.errors.status + summary.errors.timeout))
end
"""


@dataclass
class Portal:
    name: str
    code: Path
    var: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSREEL_", "DATABASE_URL"))}
        env.update(PYTHONPATH=str(self.code), NEWSREEL_VAR_DIR=str(self.var), NEWSREEL_LOG_LEVEL="WARNING",
                   DJANGO_SETTINGS_MODULE="newsreel.settings")
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run([PYTHON, "-m", "newsreel.cli", *args], cwd=self.code, env=self.env(),
                                check=True, capture_output=True, text=True)
        return result.stdout

    def start(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "newsreel.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port), "--no-worker"],
            cwd=self.code, env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=2).read()
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"{self.name} did not start on {self.url}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


SETUP_SCRIPT = """
import django; django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from allauth.account.models import EmailAddress
from newsreel.catalogue.models import Item, Role
from newsreel.news.models import Article
user, _ = User.objects.get_or_create(username="bench", defaults={"email": "bench@example.org"})
user.set_password("bench-password-1234!"); user.save()
EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.set_expiry(30 * 24 * 3600)
session.create()
video = Item.objects.visible().filter(kind="video", renditions__role=Role.WEB).order_by("reference").first()
article = Article.objects.visible().order_by("-publish_at").first()
print("SESSION", session.session_key)
print("VIDEO", video.reference if video else "")
print("ARTICLE", article.get_absolute_url() if article else "")
"""

PENDING_SCRIPT = """
import django; django.setup()
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count())
"""


def prepare(video_scale: float, fresh: bool) -> Path:
    """The demo, made once with this tree and its media processed to the end."""
    var = OUT / "prepared" / "var"
    if var.joinpath("ready").exists() and not fresh:
        # A demo kept from an older tree lacks this tree's newer tables and columns.
        Portal("prepare", ROOT, var, 0).manage("migrate", "--noinput")
        return var
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    maker = Portal("prepare", ROOT, var, 0)
    print("preparing the demo (once; kept in bench/out/pages/prepared)...", flush=True)
    maker.manage("migrate", "--noinput")
    maker.manage("demo", "--video-scale", str(video_scale))
    for _ in range(20):
        subprocess.run([PYTHON, "-m", "newsreel.cli", "db_worker", "--queue-name", "*", "--batch", "--interval", "0"],
                       cwd=ROOT, env=maker.env(), check=True, capture_output=True)
        if subprocess.run([PYTHON, "-c", PENDING_SCRIPT], cwd=ROOT, env=maker.env(), check=True,
                          capture_output=True, text=True).stdout.strip() == "0":
            break
    var.joinpath("ready").write_text("demo ready\n")
    return var


def base_tree(base: str, into: Path) -> Path:
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", base], cwd=ROOT, check=True, capture_output=True)
    with tempfile.TemporaryFile() as fh:
        fh.write(archive.stdout)
        fh.seek(0)
        with tarfile.open(fileobj=fh) as tar:
            tar.extractall(into, filter="data")
    return into


def copy_var(prepared: Path, into: Path) -> Path:
    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(prepared, into, ignore=shutil.ignore_patterns("cache", "static", "demo-src"))
    return into


def wrk(url: str, clients: int, seconds: int, cookie: str | None) -> tuple[float, float, int]:
    script = OUT / "p95.lua"
    script.write_text(WRK_LUA)
    header = ["-H", f"Cookie: {cookie}"] if cookie else []
    warm = ["wrk", "-c", str(clients), "-t", "2", "-d", "2s", *header, url]
    subprocess.run(warm, check=True, capture_output=True)
    run = ["wrk", "-c", str(clients), "-t", "2", "-d", f"{seconds}s", "--timeout", "10s", "-s", str(script),
           *header, url]
    text = subprocess.run(run, check=True, capture_output=True, text=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p95 = re.search(r"P95_US (\d+)", text)
    errors = re.search(r"ERRORS (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if not (rate and p95 and errors):
        raise SystemExit(f"cannot read wrk's output:\n{text}")
    return float(rate.group(1)), int(p95.group(1)) / 1000, int(errors.group(1)) + int(non2xx.group(1) if non2xx else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="79d2780", help="the commit to compare with")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--video-scale", type=float, default=0.2, help="demo video length factor (make run: 1)")
    parser.add_argument("--fresh", action="store_true", help="make the demo again")
    parser.add_argument("--port", type=int, default=8210, help="the base's port; this tree's is the next one")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    OUT.mkdir(parents=True, exist_ok=True)
    prepared = prepare(args.video_scale, args.fresh)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.strip()
    facts = dict(line.split(" ", 1) for line in subprocess.run(
        [PYTHON, "-c", SETUP_SCRIPT], cwd=ROOT, env=Portal("prepare", ROOT, prepared, 0).env(), check=True,
        capture_output=True, text=True).stdout.splitlines() if line.startswith(("SESSION", "VIDEO", "ARTICLE")))
    if not facts.get("VIDEO", "").strip():
        raise SystemExit("the demo has no processed video yet; run again with --fresh")
    # Both copies hold the same session row and secret key, so one cookie signs in to either portal.
    base = Portal(f"base {args.base}", base_tree(args.base, OUT / "base-code"), copy_var(prepared, OUT / "base-var"),
                  args.port)
    this = Portal(f"this tree {head}{'+' if dirty else ''}", ROOT, copy_var(prepared, OUT / "this-var"),
                  args.port + 1)
    cookie = f"sessionid={facts['SESSION'].strip()}"
    pages = [
        ("home (anonymous)", "/en/", None),
        ("video (anonymous)", f"/en/media/{facts['VIDEO'].strip()}/", None),
        ("article (anonymous)", facts["ARTICLE"].strip(), None),
        ("search (anonymous)", "/en/search/?q=summit", None),
        ("video (signed in)", f"/en/media/{facts['VIDEO'].strip()}/", cookie),
    ]
    results: list[tuple[str, tuple[float, float, int], tuple[float, float, int]]] = []
    try:
        base.start()
        this.start()
        for label, path, page_cookie in pages:
            before = wrk(base.url + path, args.clients, args.seconds, page_cookie)
            after = wrk(this.url + path, args.clients, args.seconds, page_cookie)
            results.append((label, before, after))
            print(f"  measured {label}", flush=True)
    finally:
        base.stop()
        this.stop()
    print(f"\nPages at {args.clients} concurrent clients, {args.seconds} s each (wrk, loopback; "
          f"gunicorn 2x8 threads, SQLite; {os.cpu_count()} cores)")
    print(f"base: {base.name}   this: {this.name}")
    print(f"{'page':22} {'base req/s':>10} {'p95 ms':>8} {'this req/s':>10} {'p95 ms':>8} {'x req/s':>8} "
          f"{'p95 /':>7} {'errors':>7}")
    for label, (rate0, p950, err0), (rate1, p951, err1) in results:
        print(f"{label:22} {rate0:10.1f} {p950:8.1f} {rate1:10.1f} {p951:8.1f} {rate1 / rate0:7.1f}x "
              f"{p950 / p951 if p951 else float('inf'):6.1f}x {err0 + err1:7d}")
    print(GOALS)


if __name__ == "__main__":
    main()
