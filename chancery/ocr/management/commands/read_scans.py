"""``chancery manage read_scans [--all]``: queue OCR jobs for scans not read yet (an
archive upgraded to OCR, a restored backup), or for every scan (``--all``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chancery.corpus.models import Scan
from chancery.ocr.tasks import read_scan


class Command(BaseCommand):
    help = "Queue OCR jobs for the scans that have no machine-read text (--all: every scan)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Read every scan again.")

    def handle(self, *args: Any, **options: Any) -> None:
        scans = Scan.objects.exclude(file="").order_by("pk")
        if not options["all"]:
            scans = scans.filter(machine_texts__isnull=True)
        pks = list(scans.values_list("pk", flat=True).distinct())
        for pk in pks:
            read_scan.enqueue(pk)
        self.stdout.write(f"{len(pks)} scan(s) queued for reading; `chancery worker` reads them.")
