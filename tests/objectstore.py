"""A real S3-compatible server on loopback for the tests: s3rver (from the npm registry, installed by `make test`
into tools/s3-test-server/), in a process of its own, spoken to over HTTP by boto3 exactly as AWS S3, MinIO or
Ceph would be. Nothing is patched in process. Unlike moto's server, it refuses a presigned URL once it has
expired and honours the response-header overrides a signed URL carries (name, type); like it, it does not check
SigV4 signatures themselves (docs/storage.md).

`s3_server` (one per test worker) keeps its objects on disk and can be stopped and started again on the same
port, to test what the portal does while its store is down. `s3_store` gives a test an empty bucket of its own
and points the portal's default storage at it through the same settings a deployment sets
(newsreel.env.file_storage reads NEWSREEL_S3_*).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# S3 refuses parts under 5 MiB but the last; the tests upload files of a few parts of this size.
PART_BYTES = 5 * 1024 * 1024
SERVER = Path(__file__).resolve().parent.parent / "tools" / "s3-test-server" / "node_modules" / ".bin" / "s3rver"
# s3rver's only credentials.
KEY = "S3RVER"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class S3Server:
    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.folder = folder
        self.log = folder / "s3rver.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if not SERVER.exists():
            pytest.fail(f"{SERVER} is missing: run `make test` (it installs the test S3 server with npm)",
                        pytrace=False)
        (self.folder / "data").mkdir(exist_ok=True)
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [str(SERVER), "--silent", "-a", "127.0.0.1", "-p", str(self.port), "-d", str(self.folder / "data")],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"s3rver exited; see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"s3rver did not start on port {self.port}; see {self.log}")

    def stop(self) -> None:
        """Stop the server; its buckets stay on disk for the next start."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=KEY, aws_secret_access_key=KEY)


@dataclass
class S3Store:
    server: S3Server
    bucket: str
    env: dict[str, str]
    client: Any = field(repr=False)

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(obj["Key"] for obj in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = S3Server(tmp_path_factory.mktemp("s3rver"))
    server.start()
    yield server
    server.stop()


def store_env(server: S3Server, bucket: str) -> dict[str, str]:
    """The environment a portal process (web or worker) needs to use the bucket: what a deployment sets."""
    return {"NEWSREEL_STORAGE": "s3", "NEWSREEL_S3_BUCKET": bucket, "NEWSREEL_S3_ENDPOINT_URL": server.endpoint,
            "NEWSREEL_S3_REGION": "us-east-1", "NEWSREEL_S3_ACCESS_KEY_ID": KEY,
            "NEWSREEL_S3_SECRET_ACCESS_KEY": KEY, "NEWSREEL_S3_PART_BYTES": str(PART_BYTES),
            "NEWSREEL_S3_ADDRESSING_STYLE": "path"}


@pytest.fixture
def s3_store(s3_server: S3Server, settings: Any, monkeypatch: pytest.MonkeyPatch,
             tmp_path_factory: pytest.TempPathFactory) -> S3Store:
    """An empty bucket of this test's own as the portal's default storage, with a file cache of its own."""
    from newsreel.env import file_storage

    if s3_server.process is None or s3_server.process.poll() is not None:
        s3_server.start()  # a test stopped it
    bucket = f"newsreel-{uuid.uuid4().hex[:12]}"
    client = s3_server.client()
    client.create_bucket(Bucket=bucket)
    env = store_env(s3_server, bucket)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    settings.NEWSREEL_LOCAL_CACHE_DIR = str(tmp_path_factory.mktemp("file-cache"))
    return S3Store(server=s3_server, bucket=bucket, env=env, client=client)


def child_env(store: S3Store, **extra: str) -> dict[str, str]:
    """os.environ plus the store's settings, for a portal process a test starts."""
    return {**os.environ, **store.env, **extra}
