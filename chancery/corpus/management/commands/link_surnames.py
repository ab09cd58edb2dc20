"""Link bare surnames to the one person the documents show they are
(chancery/corpus/surnames.py says the rule).

    chancery manage link_surnames [--dry-run]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chancery.corpus import surnames


class Command(BaseCommand):
    help = "Merge bare surnames into the one full name their volume's documents give them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        pairs = surnames.candidates()
        for bare, full in pairs:
            self.stdout.write(f"  {bare.name} -> {full.name}")
        if not dry_run:
            surnames.link(pairs)
        verb = "would be linked" if dry_run else "linked"
        self.stdout.write(f"{len(pairs)} bare surnames {verb}; the others stay for review.")
