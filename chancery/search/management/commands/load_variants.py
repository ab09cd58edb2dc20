"""Reload the shipped name-variant table into the database."""

from pathlib import Path

from django.core.management.base import BaseCommand

from chancery.search.variants import TABLE, load_table


class Command(BaseCommand):
    help = (
        "Load chancery/search/data/variants.tsv (or --file) into the name-variant table; "
        "`chancery reindex` does this too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(TABLE), help="A variants file to load.")

    def handle(self, *args, **options):
        groups = load_table(Path(options["file"]))
        self.stdout.write(f"Loaded {groups} groups of name variants from {options['file']}.")
