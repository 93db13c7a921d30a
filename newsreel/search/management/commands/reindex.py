from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from newsreel.search.indexing import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index from the catalogue and the news (recovery after bulk edits or a restore)."

    def handle(self, *args: Any, **options: Any) -> None:
        items, articles = reindex_all(report=lambda line: self.stdout.write(line) if options["verbosity"] > 1
                                      else None)
        self.stdout.write(f"Indexed {items} media items and {articles} articles.")
