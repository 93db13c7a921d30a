"""The `newsreel` console command: Django's manage.py plus the media engine's own commands."""

from __future__ import annotations

import os
import sys

# Commands of the Django-free media engine, which must run without settings or a database.
MEDIA_COMMANDS = {"clip"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else ["newsreel", *argv])
    if len(args) > 1 and args[1] in MEDIA_COMMANDS:
        from newsreel.media.cli import run

        return run(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreel.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from newsreel.env import prepare_local_files

    prepare_local_files(settings)
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
