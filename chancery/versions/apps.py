from chancery.corpus.apps import SignalledConfig


class VersionsConfig(SignalledConfig):
    """Every editorial change kept as an attributed version (django-reversion)."""

    name = "chancery.versions"
    label = "versions"
    default = True  # the base says False so that Django does not pick it (tests/test_apps.py)
    verbose_name = "Versions and review"

    def ready(self):
        from . import registry

        registry.register_models()
        super().ready()
