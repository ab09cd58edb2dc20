from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "chancery.ingest"
    verbose_name = "Import and export"
    default_auto_field = "django.db.models.BigAutoField"
