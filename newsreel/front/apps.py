from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "newsreel.front"
    verbose_name = "Portal"
