"""The OCR job: read every page of a scan into :class:`~chancery.ocr.models.MachineText`."""

from __future__ import annotations

from django.db import transaction
from django_tasks import TaskContext

from chancery.corpus.models import Scan
from chancery.iiif import sources
from chancery.jobs.retry import job, report_progress
from chancery.search.indexing import schedule

from . import reading
from .models import MachineText


@job(priority=-10)
def read_scan(context: TaskContext, scan_id: int) -> dict:
    """Read each page of scan ``scan_id``; the document is re-indexed when it is done."""
    try:
        scan = Scan.objects.select_related("document").get(pk=scan_id)
    except Scan.DoesNotExist:
        return {"pages": 0, "note": "the scan was deleted"}
    pages = sources.pages(scan)
    if not pages:
        raise sources.SourceMissing(f"scan {scan_id}: no page image to read")
    codes = list(scan.document.languages.values_list("code", flat=True))
    languages = reading.tesseract_languages(codes)
    read = []
    for n, page in enumerate(pages, start=1):
        report_progress(context, n - 1, len(pages), "pages")
        read.append((page, reading.read_page(scan, page, languages)))
    with transaction.atomic():
        MachineText.objects.filter(scan=scan).exclude(page__in=[p.number for p, _ in read]).delete()
        for page, text in read:
            MachineText.objects.update_or_create(
                scan=scan,
                page=page.number,
                defaults={
                    "source": text.source,
                    "languages": text.languages,
                    "text": text.text,
                    "lines": text.lines,
                    "confidence": text.confidence,
                    "width": text.width,
                    "height": text.height,
                },
            )
        # Searched as its own text layer: the document is re-indexed with the text.
        schedule([scan.document_id])
    report_progress(context, len(pages), len(pages), "pages")
    return {"pages": len(pages), "sources": sorted({t.source for _, t in read})}
