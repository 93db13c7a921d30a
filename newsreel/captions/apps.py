from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaptionsConfig(AppConfig):
    name = "newsreel.captions"
    verbose_name = _("Captions")

    def ready(self) -> None:
        from newsreel.captions.signal_handlers import connect

        connect()
