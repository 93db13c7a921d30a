from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class FrontConfig(AppConfig):
    name = "newsreel.front"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from newsreel.front.identity import current_identity
        from newsreel.front.pagecache import content_saved
        from newsreel.lib.site_name import use_site_name

        use_site_name(lambda lang: current_identity().name(lang))

        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(content_saved, dispatch_uid=f"newsreel-pages-{name}")
