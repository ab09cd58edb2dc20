"""Export the archive. jsonl: every record, field, relation, asset (files included) and
editorial state, for backups and moves between databases; `chancery import jsonl` restores
it. csv: the documents in the import column set (no files). See docs/importing.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("format", choices=["jsonl", "csv"])
        parser.add_argument("out", type=Path, help="File to write ('-' is not supported).")

    def handle(self, *args, format, out, **options):
        from chancery.ingest.csvexport import export_csv
        from chancery.ingest.jsonl import export_jsonl

        if not out.parent.is_dir():
            raise CommandError(f"no such folder: {out.parent}")
        count = (export_jsonl if format == "jsonl" else export_csv)(out)
        self.stdout.write(self.style.SUCCESS(f"Exported {count} documents to {out}."))
