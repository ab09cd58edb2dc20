"""Rebuild the search index from the database."""

import time

from django.core.management.base import BaseCommand

from chancery.search.indexing import reindex


class Command(BaseCommand):
    help = "Rebuild the search index from the database (published documents only)."

    def handle(self, *args, **options):
        started = time.monotonic()
        total = reindex()
        seconds = time.monotonic() - started
        self.stdout.write(f"Indexed {total} published documents in {seconds:.1f} s.")
