"""Download throughput: 32 concurrent clients fetch one large rendition over loopback.

    PYTHONPATH=. /work/venv/bin/python -m bench.download_bench [--size-mb 500] [--clients 32]

Three ways, in one run, against the same file:
  django   gunicorn (gthread) streaming the file itself (NEWSREEL_ACCEL_REDIRECT_PREFIX unset)
  x-accel  deploy/nginx.conf in front of gunicorn; Django checks access and logs, nginx sends the bytes
  nginx    the same nginx serving the file from a plain location (the peer: no access check at all)
Clients are one `curl --parallel` process (C, so the client is not the bottleneck), each transfer with a
session cookie. Reported: aggregate throughput, ratio to direct nginx, errors, and the app's peak RSS
(sum over gunicorn's processes, sampled every 50 ms). Everything lives in bench/out/ and the file is deleted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "download"
GUNICORN = Path(sys.executable).with_name("gunicorn")


@dataclass
class Result:
    name: str
    seconds: float
    bytes: int
    errors: int
    peak_rss: int = 0
    idle_rss: int = 0

    @property
    def mb_per_s(self) -> float:
        return self.bytes / self.seconds / 1e6


def environment(media: Path, accel: bool) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{OUT / 'bench.sqlite3'}",
               NEWSREEL_MEDIA_ROOT=str(media), NEWSREEL_VAR_DIR=str(OUT / "var"), NEWSREEL_LOG_LEVEL="WARNING",
               NEWSREEL_SECRET_KEY="bench-" + "x" * 40, DJANGO_SETTINGS_MODULE="newsreel.settings")
    env.pop("NEWSREEL_ACCEL_REDIRECT_PREFIX", None)
    if accel:
        env["NEWSREEL_ACCEL_REDIRECT_PREFIX"] = "/protected/"
    return env


def prepare(size_mb: int) -> tuple[Path, int, str]:
    """The file, a rendition pointing at it, and a signed-in member's session cookie."""
    media = OUT / "media"
    path = media / "items" / "bench" / "broadcast.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(1 << 20)
    with open(path, "wb") as fh:
        for i in range(size_mb):
            fh.write(block[i % 997:] + block[: i % 997])  # not one repeated page: no dedup shortcuts
    os.environ.update(environment(media, accel=False))
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from newsreel.catalogue.models import Rendition, Role
    from newsreel.media.renditions import sha256_of
    from tests.factories import make_item

    call_command("migrate", verbosity=0)
    item = make_item(title_en="Benchmark")
    rendition = Rendition.objects.create(item=item, role=Role.BROADCAST, file=str(path.relative_to(media)),
                                         mime_type="video/mp4", size=path.stat().st_size, sha256=sha256_of(path))
    user = get_user_model().objects.create_user("bench", "bench@example.org", "x")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return media, rendition.pk, f"sessionid={session.session_key}"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([str(GUNICORN), "newsreel.wsgi:application", "--bind", f"127.0.0.1:{port}",
                                "--workers", "2", "--worker-class", "gthread", "--threads", "16",
                                "--timeout", "300", "--log-level", "warning"], env=env, cwd=ROOT)
    wait_for_port(port)
    return process


def wait_for_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its children, in bytes."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def run_clients(name: str, url: str, cookie: str, clients: int, size: int, watch: int | None,
                timeout: int) -> Result:
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set() and watch is not None:
            peak[0] = max(peak[0], tree_rss(watch))
            time.sleep(0.05)

    # One request first, so that each server's lazy start-up (imports, URL resolver, templates) isn't timed.
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-r", "0-0", "-b", cookie, url], check=True, timeout=120)
    idle = tree_rss(watch) if watch is not None else 0
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    command = ["curl", "-s", "--parallel", "--parallel-immediate", "--parallel-max", str(clients),
               "--max-time", str(timeout), "-b", cookie,
               "-w", "%{http_code} %{size_download} %{time_starttransfer} %{time_total}\\n"]
    for _ in range(clients):
        command += ["-o", "/dev/null", url]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    stop.set()
    sampler.join()
    received, errors = 0, 0
    lines = done.stdout.split("\n")[:-1]
    for line in lines:
        code, got, _first, _total = line.split()
        if os.environ.get("BENCH_VERBOSE") == "1":
            print(name, line)
        received += int(got)
        errors += code != "200" or int(got) != size
    errors += clients - len(lines)
    return Result(name, seconds, received, errors, peak[0], idle)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=500)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=2, help="each path this many times, interleaved; best kept")
    args = parser.parse_args(argv)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    sys.path.insert(0, str(ROOT))
    from tests.downloads.nginx_harness import running_nginx

    processes: list[subprocess.Popen[bytes]] = []
    try:
        media, pk, cookie = prepare(args.size_mb)
        size = (media / "items" / "bench" / "broadcast.mp4").stat().st_size
        django_port, accel_port = free_port(), free_port()
        processes.append(start_gunicorn(django_port, environment(media, accel=False)))
        processes.append(start_gunicorn(accel_port, environment(media, accel=True)))
        with open(media / "items" / "bench" / "broadcast.mp4", "rb") as fh:  # into the page cache for all
            while fh.read(1 << 24):
                pass
        rounds: list[list[Result]] = []
        with running_nginx(OUT / "nginx", app_port=accel_port, media_root=media, static_root=ROOT / "newsreel" /
                           "static", conn_limit=args.clients, extra_server=_direct_server(media)) as nginx_port:
            direct_url = f"http://127.0.0.1:{_DIRECT_PORT[0]}/direct/items/bench/broadcast.mp4"
            paths = [("nginx (direct, peer)", direct_url, None),
                     ("x-accel (Django checks, nginx sends)", f"http://127.0.0.1:{nginx_port}/en/download/{pk}/",
                      processes[1].pid),
                     ("django (gunicorn streams)", f"http://127.0.0.1:{django_port}/en/download/{pk}/",
                      processes[0].pid)]
            for _ in range(args.rounds):
                rounds.append([run_clients(name, url, cookie, args.clients, size, pid, args.timeout)
                               for name, url, pid in paths])
        results = [max((r[i] for r in rounds), key=lambda r: r.mb_per_s) for i in range(len(rounds[0]))]
        errors = sum(r.errors for rnd in rounds for r in rnd)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(OUT, ignore_errors=True)

    peer = results[0].mb_per_s
    print(f"\n{args.clients} concurrent clients x {args.size_mb} MB over loopback ({os.cpu_count()} CPUs)\n")
    print(f"best of {args.rounds} interleaved rounds; errors counted over all rounds: {errors}")
    print(f"{'path':40} {'MB/s':>8} {'ratio':>7} {'seconds':>8} {'app RSS idle -> peak':>22}")
    for r in results:
        rss = f"{r.idle_rss / 2**20:.0f} -> {r.peak_rss / 2**20:.0f} MB" if r.peak_rss else "—"
        print(f"{r.name:40} {r.mb_per_s:8.0f} {r.mb_per_s / peer:7.2f} {r.seconds:8.1f} {rss:>22}")
    return 0 if errors == 0 else 1


_DIRECT_PORT = [0]


def _direct_server(media: Path) -> str:
    _DIRECT_PORT[0] = free_port()
    return f"""
server {{
    listen 127.0.0.1:{_DIRECT_PORT[0]};
    location /direct/ {{ alias {media}/; sendfile on; tcp_nopush on; sendfile_max_chunk 2m; max_ranges 1; }}
}}
"""


if __name__ == "__main__":
    sys.exit(main())
