"""How long an import holds SQLite's write lock, and how fast it goes.

Run: nice -n 10 .venv/bin/python bench/write_lock.py FILE [FILE...]
Each FILE (a FRUS TEI volume, or a `chancery export jsonl` file) is imported, in a process
of its own, into a fresh, empty SQLite archive (a temp CHANCERY_HOME) through
``import_file``, the code of ``chancery import``. Prints the longest time one of the
file's transactions held the write lock (from BEGIN IMMEDIATE to COMMIT: what a save in
the admin waits for; a JSONL restore into an empty archive is many short ones, see
chancery/ingest/staging.py), the whole import time, documents per second and the load
average, so figures from a shared machine can be read.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    files = [Path(a) for a in sys.argv[1:]]
    if not files:
        print(__doc__)
        return 1
    if len(files) > 1:
        for path in files:
            subprocess.run([sys.executable, __file__, str(path)], check=True)  # noqa: S603
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    os.environ["CHANCERY_HOME"] = tempfile.mkdtemp(prefix="chancery-lock-")
    print(measure(files[0]), flush=True)
    return 0


def measure(path: Path) -> str:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from chancery.ingest import formats
    from chancery.ingest.run import import_file

    call_command("migrate", verbosity=0)
    held: list[float] = []
    enter, leave = transaction.Atomic.__enter__, transaction.Atomic.__exit__

    def timed_enter(self):
        if not connection.in_atomic_block:
            self._began = time.perf_counter()
        return enter(self)

    def timed_exit(self, *exc):
        outer = not connection.savepoint_ids and hasattr(self, "_began")
        result = leave(self, *exc)
        if outer and not connection.in_atomic_block:
            held.append(time.perf_counter() - self._began)
        return result

    fmt = "jsonl" if path.suffix == ".jsonl" else "tei"
    transaction.Atomic.__enter__, transaction.Atomic.__exit__ = timed_enter, timed_exit
    try:
        started = time.perf_counter()
        report = import_file(path, formats.reader(fmt))
        total = time.perf_counter() - started
    finally:
        transaction.Atomic.__enter__, transaction.Atomic.__exit__ = enter, leave
    docs = report.counts["created"] + report.counts["updated"] + report.counts["unchanged"]
    longest = sorted(held, reverse=True)[:3]
    return (f"{path.name:24} {report.summary()}: import {total:6.1f} s, write lock held "
            f"{max(held, default=0):6.1f} s (longest transaction; {len(held)} transactions, "
            f"the longest three {', '.join(f'{t:.2f}' for t in longest)} s, in all "
            f"{sum(held):.1f} s), {docs / total:5.0f} "
            f"records/s, load {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
