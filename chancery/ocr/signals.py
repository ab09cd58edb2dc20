"""A scan added (admin upload, import, API) or given a new file is read in a job."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from chancery.corpus.models import Scan


@receiver(post_init, sender=Scan)
def _remember_file(sender: type, instance: Scan, **kwargs: Any) -> None:
    instance._ocr_file = instance.file.name if instance.file else ""  # type: ignore[attr-defined]


@receiver(post_save, sender=Scan)
def _read_new_file(sender: type, instance: Scan, created: bool, **kwargs: Any) -> None:
    name = instance.file.name if instance.file else ""
    if kwargs.get("raw") or not settings.OCR_ENABLED or not name:
        return
    if created or name != getattr(instance, "_ocr_file", ""):
        from chancery.jobs.retry import enqueue_on_commit

        from .tasks import read_scan

        enqueue_on_commit(read_scan, instance.pk)
    instance._ocr_file = name  # type: ignore[attr-defined]
