"""Export the archive. jsonl: every record, field, relation, asset (files included),
editorial state and OAI tombstone, for backups and moves between databases, ending with
counts and a SHA-256 checksum so a cut file is refused; `chancery import jsonl` restores
it. csv: the documents in the import column set (no files). Either is written whole or not
at all (a temporary file renamed into place). See docs/importing.md."""

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
        from chancery.ingest.jsonl import ExportError, export_jsonl

        if not out.parent.is_dir():
            raise CommandError(f"no such folder: {out.parent}")
        try:
            count = (export_jsonl if format == "jsonl" else export_csv)(out)
        except ExportError as error:
            raise CommandError(
                f"export failed, nothing written to {out}: {error}. Correct the record "
                "(or clear the file in the admin) and export again."
            ) from None
        except OSError as error:  # a full disk, a folder that cannot be written
            raise CommandError(f"export failed, nothing written to {out}: {error}") from None
        from chancery import audit

        audit.record("export", target=str(out), detail=f"{format}, {count} documents")
        self.stdout.write(self.style.SUCCESS(f"Exported {count} documents to {out}."))
