import shutil

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class OcrConfig(AppConfig):
    name = "chancery.ocr"
    verbose_name = "Machine-read text (OCR)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401 — connects the scan handlers

        checks.register(check_tesseract)


def check_tesseract(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """With OCR on, every new scan's job would fail (three times) without Tesseract."""
    if not settings.OCR_ENABLED or shutil.which("tesseract"):
        return []
    return [
        checks.Warning(
            "CHANCERY_OCR is on but the tesseract command is missing: new scans cannot be read.",
            hint="Install Debian's tesseract-ocr and its language data (scripts/system-deps.sh) "
            "or set CHANCERY_OCR=off.",
            id="chancery.ocr.W001",
        )
    ]
