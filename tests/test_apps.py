from django.apps import apps


def test_every_app_runs_its_own_config():
    """An apps module that imports a base config must still name its own: otherwise Django
    falls back to a bare AppConfig and the app's signals are never connected."""
    for config in apps.get_app_configs():
        if config.name.startswith("chancery."):
            assert type(config).__module__ == f"{config.name}.apps", config.name
