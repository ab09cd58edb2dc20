from django.apps import AppConfig


class VersionsConfig(AppConfig):
    """Every editorial change kept as an attributed version (django-reversion)."""

    name = "chancery.versions"
    label = "versions"
    verbose_name = "Versions and review"

    def ready(self):
        from . import registry, signals

        registry.register_models()
        signals.connect()
