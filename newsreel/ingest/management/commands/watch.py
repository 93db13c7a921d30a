from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newsreel.ingest.models import JobStatus
from newsreel.ingest.services import create_item_for_file, display_name, ingest_file, refusal
from newsreel.media.safeio import UnsupportedMedia


class Command(BaseCommand):
    help = ("Watch a folder: each file that has stopped growing becomes a draft item; it is then moved to "
            "done/ or refused/ inside the folder.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--settle", type=float, default=5.0, help="Seconds a file must stay unchanged.")
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--once", action="store_true", help="Scan once and exit (for cron or tests).")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        for sub in ("done", "refused"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        seen: dict[Path, tuple[int, float, float]] = {}
        while True:
            now = time.monotonic()
            for path in sorted(folder.iterdir()):
                if not path.is_file() or path.name.startswith("."):
                    continue
                stat = path.stat()
                previous = seen.get(path)
                if previous is None or previous[:2] != (stat.st_size, stat.st_mtime):
                    seen[path] = (stat.st_size, stat.st_mtime, now)
                    if not options["once"]:
                        continue
                elif now - previous[2] < options["settle"]:
                    continue
                self._take(folder, path)
                seen.pop(path, None)
            if options["once"]:
                return
            time.sleep(options["interval"])

    def _take(self, folder: Path, path: Path) -> None:
        # The file keeps its own name (any bytes) on disk; what is shown and stored is its display name.
        shown = display_name(path.name)
        try:
            item = create_item_for_file(source=path)
        except UnsupportedMedia as exc:
            self.stderr.write(f"refused: {refusal(exc, shown=shown, read_as=path)}")
            path.rename(folder / "refused" / path.name)
            return
        job = ingest_file(item=item, source=path)
        target = "refused" if job.status == JobStatus.FAILED else "done"
        path.rename(folder / target / path.name)
        self.stdout.write(f"{shown} -> {item.reference}: {job.get_status_display()}")
