from django.apps import AppConfig


class OcrConfig(AppConfig):
    name = "chancery.ocr"
    verbose_name = "Machine-read text (OCR)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401 — connects the scan handlers
