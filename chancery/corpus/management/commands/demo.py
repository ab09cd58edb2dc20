"""Load the demo archive."""

from django.core.management.base import BaseCommand

from chancery.corpus.demo import load_demo
from chancery.corpus.models import Document


class Command(BaseCommand):
    help = (
        "Load the demo archive: ten Cold War documents with collections, subjects, places, "
        "people and languages. Safe to run again: it updates rather than duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the archive has documents."
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Document.objects.exists():
            self.stdout.write("The archive already has documents; demo not loaded.")
            return
        count = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo archive loaded: {count} documents."))
