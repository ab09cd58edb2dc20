"""Import all twelve shared FRUS volumes into an empty archive, index included.

Run: nice -n 10 .venv/bin/python bench/import_frus.py [--no-versions] [FOLDER]
``--no-versions`` imports without making versions (the baseline of issue 16's bound).
A fresh CHANCERY_HOME (SQLite) is made in a temp dir; with ``CHANCERY_DATABASE_URL`` set the
import goes to that PostgreSQL database instead, emptied first (``flush``). Every volume goes
through the same code as ``chancery import tei`` (one transaction per file, index built at
the end of each). Prints per-volume and total time, documents per second and peak memory
(max RSS), and checks the document count against the ``div[@type='document']`` count of each
file. A second pass re-imports every volume (all unchanged) and is timed too.

The anchor (issue 18: an import within 3x of it): parsing every volume with the importer's
reader (no database) plus a bulk build of the search index of the imported documents
(``reindex``, the code of ``chancery reindex``), each timed on its own; the import's time is
printed as a multiple of the two together.
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

FRUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "frus"


def main() -> int:
    args = sys.argv[1:]
    no_versions = "--no-versions" in args
    args = [a for a in args if a != "--no-versions"]
    folder = Path(args[0]) if args else FRUS
    volumes = sorted(folder.glob("*.xml"))
    if not volumes:
        print(f"No FRUS volumes in {folder}")
        return 1
    os.environ["CHANCERY_HOME"] = tempfile.mkdtemp(prefix="chancery-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from chancery.corpus.models import Document
    from chancery.ingest.run import import_file
    from chancery.ingest.tei import read_tei
    from chancery.search.backends import get_backend
    from chancery.search.indexing import reindex

    call_command("migrate", verbosity=0)
    if os.environ.get("CHANCERY_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
        get_backend().reset()
    if no_versions:
        _without_versions()
    started, cpu = time.perf_counter(), time.process_time()
    parsed = sum(1 for path in volumes for item in read_tei(path) if hasattr(item, "public_id"))
    parse = time.perf_counter() - started, time.process_time() - cpu
    print(f"anchor: parsing {parsed} documents {parse[0]:.1f} s wall, {parse[1]:.1f} s CPU "
          f"(load {os.getloadavg()[0]:.1f})")  # fmt: skip
    first = (0.0, 0.0)
    for label in ("first import (empty archive)", "re-import (nothing changes)"):
        print(f"\n{label}")
        started, cpu = time.perf_counter(), time.process_time()
        for path in volumes:
            t0 = time.perf_counter()
            report = import_file(path, read_tei)
            seconds = time.perf_counter() - t0
            expected = path.read_bytes().count(b'type="document"')
            docs = sum(report.counts[o] for o in ("created", "updated", "unchanged"))
            flag = "" if docs == expected and not report.failed else f"  MISMATCH ({expected})"
            print(f"  {path.name:24} {docs:5} docs {seconds:6.1f} s "
                  f"{docs / seconds:6.0f} docs/s  {report.summary()}{flag}")  # fmt: skip
        total = time.perf_counter() - started
        count = Document.objects.count()
        cpu = time.process_time() - cpu
        print(f"  total: {count} documents in {total:.1f} s wall, {cpu:.1f} s CPU "
              f"({count / total:.0f} docs/s wall, {count / cpu:.0f} docs/s CPU); "
              f"index holds {get_backend().indexed_count()}")  # fmt: skip
        print(f"  load average now: {os.getloadavg()[0]:.1f} (2 cores)")
        if first == (0.0, 0.0):
            first = total, cpu
    started, cpu = time.perf_counter(), time.process_time()
    indexed = reindex()
    build = time.perf_counter() - started, time.process_time() - cpu
    anchor = parse[0] + build[0], parse[1] + build[1]
    print(
        f"\nanchor: bulk index build of {indexed} documents {build[0]:.1f} s wall, "
        f"{build[1]:.1f} s CPU (load {os.getloadavg()[0]:.1f}); parse + build "
        f"{anchor[0]:.1f} s wall ({parsed / anchor[0]:.0f} docs/s), {anchor[1]:.1f} s CPU "
        f"({parsed / anchor[1]:.0f} docs/s)"
    )
    print(
        f"first import / anchor: {first[0] / anchor[0]:.2f}x wall, "
        f"{first[1] / anchor[1]:.2f}x CPU (issue 18 aims at <= 3)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (max RSS): {peak:.0f} MiB")
    return 0


def _without_versions() -> None:
    """Imports as they were before issue 16: no version of anything."""
    from django.db.models.signals import post_save

    from chancery.ingest import run, writer
    from chancery.versions.registry import CHILDREN, VERSIONED

    run.record_import = writer.record_import = lambda pks: 0
    for model in [*VERSIONED, *(c for cs in CHILDREN.values() for c, _ in cs)]:
        post_save.disconnect(sender=model, dispatch_uid=f"versions_imp_{model.__name__}")


if __name__ == "__main__":
    sys.exit(main())
