from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newsreel.webhooks.tick import webhooks_tick


class Command(BaseCommand):
    help = "Make webhook deliveries for what became public (embargoes included), queue due retries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Run forever, every SECONDS (for a service instead of a timer).")

    def handle(self, *args: Any, loop: int = 0, **options: Any) -> None:
        while True:
            report = webhooks_tick()
            if options.get("verbosity", 1) > 1:
                self.stdout.write(str(report))
            if not loop:
                return
            time.sleep(loop)
