from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Machine-readable twins of the public pages."""

    name = "chancery.api"
    label = "api"
