from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newsreel.front.demo import run_demo


class Command(BaseCommand):
    help = "Create the demo catalogue (idempotent): articles, events, photos, audio and generated videos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--video-scale", type=float, default=1.0,
                            help="Shorten generated videos by this factor (e.g. 0.05 for a quick demo).")

    def handle(self, *args: Any, **options: Any) -> None:
        run_demo(report=self.stdout.write, video_scale=options["video_scale"])
