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
        parser.add_argument("format", choices=["jsonl", "csv", "eac"])
        parser.add_argument(
            "out", nargs="+", help="File to write ('-' is not supported); for eac: PERSON OUT, "
            "the person or organisation by slug or exact name, as EAC-CPF XML.",
        )  # fmt: skip

    def handle(self, *args, format, out, **options):
        if format == "eac":
            return self._eac(*out)
        if len(out) != 1:
            raise CommandError(f"export {format} takes one file name, not {len(out)}")
        out = Path(out[0])
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
        self.stdout.write(self.style.SUCCESS(f"Exported {count} documents to {out}."))

    def _eac(self, *names):
        from chancery.corpus.eac import eac_cpf
        from chancery.corpus.models import Agent
        from chancery.ingest.safefile import atomic_write

        if len(names) != 2:
            raise CommandError("export eac takes PERSON OUT: a slug or name, then a file")
        person, out = names[0], Path(names[1])
        if not out.parent.is_dir():
            raise CommandError(f"no such folder: {out.parent}")
        agent = (
            Agent.objects.filter(slug=person).first()
            or Agent.objects.filter(name__iexact=person).first()
        )
        if agent is None:
            raise CommandError(f"no person or organisation with the slug or name {person!r}")
        with atomic_write(out, "wb") as handle:
            handle.write(eac_cpf(agent))
        self.stdout.write(self.style.SUCCESS(f"Exported {agent.name} as EAC-CPF to {out}."))
