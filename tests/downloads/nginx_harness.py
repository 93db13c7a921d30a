"""Run deploy/nginx.conf for real on loopback: templated with test ports and paths, inside a minimal main config."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"

MAIN = """
user root;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {run}/access.log;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {run}/site.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def site_config(*, port: int, app_port: int, media_root: Path, static_root: Path, rate_limit: str = "0",
                conn_limit: int = 8) -> str:
    text = SHIPPED.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "/srv/newsreel/var/media/": f"{media_root}/",
        "/srv/newsreel/var/static/": f"{static_root}/",
        "/srv/newsreel/var/nginx-cache": f"{media_root}-nginx-cache",
        "limit_rate 20m;": f"limit_rate {rate_limit};",
        "limit_conn newsreel_conn_per_ip 8;": f"limit_conn newsreel_conn_per_ip {conn_limit};",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


@contextmanager
def running_nginx(run_dir: Path, *, app_port: int, media_root: Path, static_root: Path,
                  rate_limit: str = "0", conn_limit: int = 8, extra_server: str = "") -> Iterator[int]:
    """Start nginx (foreground master process we own) and yield its port; stop it afterwards."""
    port = free_port()
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "site.conf").write_text(site_config(port=port, app_port=app_port, media_root=media_root,
                                                   static_root=static_root, rate_limit=rate_limit,
                                                   conn_limit=conn_limit)
                                       + extra_server)
    (run_dir / "nginx.conf").write_text(MAIN.format(run=run_dir))
    subprocess.run([NGINX, "-t", "-q", "-e", str(run_dir / "error.log"), "-c", str(run_dir / "nginx.conf")],
                   check=True, capture_output=True)
    process = subprocess.Popen([NGINX, "-e", str(run_dir / "error.log"), "-c", str(run_dir / "nginx.conf"),
                                "-g", "daemon off;"])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError((run_dir / "error.log").read_text()) from None
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
