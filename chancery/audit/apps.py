from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chancery.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from . import signals

        signals.connect()
