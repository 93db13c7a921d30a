"""Task queues, and which worker runs which, so that short interactive work never waits behind a transcode.

`mail` (confirmation codes, newsletter confirmations) and `clips` (a user is watching a status page) each get
a worker that media processing cannot occupy; `media` (ingest, transcodes, demo generation) runs niced.
Django-free: settings, `newsreel serve` and deploy/ all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT = "default"
MAIL = "mail"
CLIPS = "clips"
MEDIA = "media"

QUEUES = [DEFAULT, MAIL, CLIPS, MEDIA]


@dataclass(frozen=True)
class WorkerGroup:
    queues: tuple[str, ...]
    niced: bool  # below the web server's priority (NEWSREEL_WORKER_NICE)

    @property
    def queue_arg(self) -> str:
        return ",".join(self.queues)


WORKER_GROUPS = [
    WorkerGroup((MAIL, DEFAULT), niced=False),
    WorkerGroup((CLIPS,), niced=False),
    WorkerGroup((MEDIA,), niced=True),
]
