"""Export the archive. ead: one collection and its subtree as an EAD3 finding aid
(chancery export ead COLLECTION OUT); eac: one person or organisation as EAC-CPF
(chancery export eac PERSON OUT). jsonl: every record, field, relation, asset (files included),
editorial state and OAI tombstone, for backups and moves between databases, ending with
counts and a SHA-256 checksum so a cut file is refused; `chancery import jsonl` restores
it. csv: the documents in the import column set (no files). Either is written whole or not
at all (a temporary file renamed into place). See docs/importing.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chancery.corpus.eac import eac_cpf
from chancery.corpus.models import Agent
from chancery.ingest.csvexport import export_csv
from chancery.ingest.ead import export_ead, find_collection
from chancery.ingest.ead2002 import export_ead2002
from chancery.ingest.jsonl import ExportError, export_jsonl
from chancery.ingest.safefile import atomic_write


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("format", choices=["jsonl", "csv", "ead", "eac"])
        parser.add_argument(
            "targets", nargs="+", metavar="OUT",
            help="File to write ('-' is not supported); for ead: COLLECTION OUT, the "
            "collection by slug or identifier (its whole subtree is described, as EAD3); for "
            "eac: PERSON OUT, the person or organisation by slug or exact name, as EAC-CPF XML.",
        )  # fmt: skip
        parser.add_argument(
            "--base-url", default="", help="ead only: the archive's address, for absolute "
            "links to the records (e.g. https://archive.example.org); default: relative.",
        )  # fmt: skip
        parser.add_argument(
            "--ead-version", choices=["3", "2002"], default="3",
            help="ead only: EAD3 (default) or EAD 2002, for consumers that read no EAD3.",
        )  # fmt: skip

    def handle(self, *args, format, targets, **options):
        if format == "eac":
            return self._eac(*targets)
        if format == "ead":
            return self._ead(targets, options["base_url"], options["ead_version"])
        if len(targets) != 1:
            raise CommandError(f"export {format} takes one argument, the file to write")
        out = Path(targets[0])
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

    def _ead(self, targets: list[str], base_url: str, version: str = "3") -> None:
        if len(targets) != 2:
            raise CommandError("export ead takes two arguments: COLLECTION OUT")
        key, out = targets[0], Path(targets[1])
        collection = find_collection(key)
        if collection is None:
            raise CommandError(f"no collection with the slug or identifier {key!r}")
        if not out.parent.is_dir():
            raise CommandError(f"no such folder: {out.parent}")
        try:
            export = export_ead2002 if version == "2002" else export_ead
            count = export(collection, out, base_url)
        except OSError as error:
            raise CommandError(f"export failed, nothing written to {out}: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {collection.title!r} ({count} documents) to {out} as EAD{version}."
            )
        )

    def _eac(self, *names):
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
