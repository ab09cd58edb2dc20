"""Import documents from files, one transaction per file: FRUS-style TEI (tei), Wilson
Center Digital Archive JSON (da-json), a spreadsheet (csv) or a Chancery export (jsonl).
Importing a file again creates nothing new and updates what changed. Ends with counts
(created, updated, unchanged, skipped, failed); exits non-zero if anything failed.
See docs/importing.md."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chancery.ingest import formats
from chancery.ingest.csvfile import template
from chancery.ingest.report import Report
from chancery.ingest.run import import_file, make_progress, refresh_statistics
from chancery.versions.history import importing_as

SHOWN = 20


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # an import needs the database, not the URL map

    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(formats.READERS), help="Input format.")
        parser.add_argument("files", nargs="*", type=Path, help="Files to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check everything, write nothing."
        )
        parser.add_argument(
            "--template", action="store_true", help="csv only: write an empty template to FILE "
            "(or standard output) and stop.",
        )  # fmt: skip
        parser.add_argument(
            "--document", default="", help="da-json only: attach lone assets to this document."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--as", dest="as_name", default="", metavar="NAME",
            help="Who runs this import: its versions are attributed to NAME, with each file "
            "and its checksum (default: the system user).",
        )  # fmt: skip

    def handle(self, *args, **options):
        fmt, files = options["format"], options["files"]
        if options["template"]:
            return self._template(fmt, files)
        if not files:
            raise CommandError(f"name at least one {fmt} file to import")
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        total = Report()
        show_progress = not options["no_progress"] and sys.stderr.isatty()
        with make_progress(show_progress) as progress, importing_as(options["as_name"]):
            for path in files:
                reader = formats.reader(fmt, document=options["document"])
                report = import_file(
                    path, reader, dry_run=options["dry_run"], progress=progress,
                    total=formats.estimate(fmt, path), fmt=fmt,
                )  # fmt: skip
                self._file_summary(path, report, options["verbosity"])
                total.merge(report)
        if not options["dry_run"] and (total.counts["created"] or total.counts["updated"]):
            refresh_statistics()
        prefix = "Dry run, nothing written: " if options["dry_run"] else ""
        line = f"{prefix}{total.summary()} ({len(files)} file{'s' * (len(files) != 1)})."
        if total.failed:
            raise CommandError(
                line + " Some input failed; the files named above were not imported."
            )
        self.stdout.write(self.style.SUCCESS(line))

    def _file_summary(self, path: Path, report: Report, verbosity: int) -> None:
        seconds = report.seconds
        docs = sum(report.counts[o] for o in ("created", "updated", "unchanged"))
        rate = f", {docs / seconds:.0f} docs/s" if seconds and docs else ""
        self.stdout.write(f"{path.name}: {report.summary()} ({seconds:.1f} s{rate})")
        for problem in report.problems:
            self.stderr.write(f"  error: {problem}")
        limit = None if verbosity >= 2 else SHOWN
        for warning in report.warnings[:limit]:
            self.stdout.write(f"  note: {warning}")
        if limit and len(report.warnings) > limit:
            self.stdout.write(f"  … and {len(report.warnings) - limit} more notes (-v 2 lists all)")

    def _template(self, fmt: str, files: list[Path]) -> None:
        if fmt != "csv":
            raise CommandError("--template is for csv only")
        text = template()
        if files:
            files[0].write_text(text, encoding="utf-8")
            self.stdout.write(f"Template written to {files[0]}")
        else:
            self.stdout.write(text, ending="")
