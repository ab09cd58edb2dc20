"""A scan added (admin upload, import, API) or given a new file is read in a job."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from chancery.corpus.models import Scan, Transcript

_unread: ContextVar[bool] = ContextVar("chancery-ocr-unread", default=False)


@contextmanager
def already_read() -> Iterator[None]:
    """Scans saved in this block bring their machine-read text along (a JSONL restore):
    no OCR job is queued for them."""
    token = _unread.set(True)
    try:
        yield
    finally:
        _unread.reset(token)


@receiver(post_init, sender=Scan)
def _remember_file(sender: type, instance: Scan, **kwargs: Any) -> None:
    instance._ocr_file = instance.file.name if instance.file else ""  # type: ignore[attr-defined]


@receiver(post_save, sender=Scan)
def _read_new_file(sender: type, instance: Scan, created: bool, **kwargs: Any) -> None:
    name = instance.file.name if instance.file else ""
    if kwargs.get("raw") or not settings.OCR_ENABLED or not name or _unread.get():
        return
    if created or name != getattr(instance, "_ocr_file", ""):
        from chancery.jobs.retry import enqueue_on_commit

        from .tasks import read_scan

        enqueue_on_commit(read_scan, instance.pk)
    instance._ocr_file = name  # type: ignore[attr-defined]


@receiver(post_save, sender=Transcript)
def _correction_published(sender: type, instance: Transcript, **kwargs: Any) -> None:
    """A correction held for review comes in when a reviewer publishes it (the transcript
    restored from its version, ``raw`` or not): its page is linked to it and leaves the
    machine-read search layer."""
    from chancery.search.indexing import schedule

    from .correction import label
    from .models import MachineText

    waiting = MachineText.objects.filter(
        scan__document_id=instance.document_id, transcript=None, corrected_at__isnull=False
    ).select_related("scan")
    linked = [t.pk for t in waiting if label(t) == instance.label]
    if linked:
        MachineText.objects.filter(pk__in=linked).update(transcript=instance)
        schedule([instance.document_id])
