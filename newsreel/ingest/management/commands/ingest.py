from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsreel.catalogue.models import Item
from newsreel.ingest.models import JobStatus
from newsreel.ingest.services import create_item_for_file, display_name, ingest_file, refusal, run_job
from newsreel.media.safeio import UnsupportedMedia


class Command(BaseCommand):
    help = "Bring masters in: one new draft item per file, or the master of an existing item with --item."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--item", help="Reference of the item whose master this file becomes (one file only).")
        parser.add_argument("--now", action="store_true", help="Process here and now instead of in the worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        if options["item"] and len(paths) != 1:
            raise CommandError("--item takes exactly one file")
        failures = 0
        for path in paths:
            shown = display_name(path)  # any bytes the shell passed, printable and storable
            if not path.is_file():
                self.stderr.write(f"{shown}: not a file")
                failures += 1
                continue
            try:
                item = (Item.objects.get(reference=options["item"]) if options["item"]
                        else create_item_for_file(source=path))
            except Item.DoesNotExist as exc:
                raise CommandError(f"No item with reference {options['item']}") from exc
            except UnsupportedMedia as exc:
                self.stderr.write(f"refused: {refusal(exc, shown=shown, read_as=path)}")
                failures += 1
                continue
            job = ingest_file(item=item, source=path)
            if job.status == JobStatus.QUEUED and options["now"]:
                job = run_job(job_id=job.pk)
            line = f"{shown} -> {item.reference}: {job.get_status_display()}"
            if job.status == JobStatus.FAILED:
                self.stderr.write(f"{line}: {job.message}")
                failures += 1
            else:
                self.stdout.write(line)
        if failures:
            raise CommandError(f"{failures} file(s) could not be ingested")
