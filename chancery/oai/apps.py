from django.apps import AppConfig


class OaiConfig(AppConfig):
    """OAI-PMH provider; remembers withdrawn records so harvesters learn of deletions."""

    name = "chancery.oai"
    label = "oai"
    verbose_name = "OAI-PMH"

    def ready(self):
        from . import signals

        signals.connect()
