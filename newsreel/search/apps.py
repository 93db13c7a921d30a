from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "newsreel.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from newsreel.lib.admin import use_matcher
        from newsreel.search import signal_handlers
        from newsreel.search.engine import matching_ids_sql

        signal_handlers.connect()
        use_matcher(matching_ids_sql)
