from django.apps import AppConfig


class WebConfig(AppConfig):
    """The public site: search, records, collections and browsing."""

    name = "chancery.web"
    label = "web"
