"""bench/search.py on PostgreSQL: a thin wrapper that finds or fills the database.

    PG_CLUSTER=bench nice -n 10 .venv/bin/python bench/search_postgres.py --sizes real,200000
        [--url URL] [--from-sqlite /work/bench-homes] [--explain "q=government"]
        [any option of bench/search.py: --anchor --repeat 3 --build-only --profile ...]

The timing is bench/search.py's own ``--engine postgres`` (the same archive, 16 queries,
engine / request / anchor columns, CPU time including the PostgreSQL server process's):
this script only sets ``CHANCERY_DATABASE_URL`` for it. Without ``--url`` it starts a local
cluster with scripts/postgres.sh (root; ``PG_CLUSTER`` chooses which) and uses the database
``chancery_bench_<size>``, kept between runs so the archive is built once per size.

Building: bench/search.py imports and synthesises into PostgreSQL as it does into SQLite.
Faster, ``--from-sqlite HOME`` copies an SQLite archive bench/search.py already built
(``HOME/<size>/chancery.sqlite3``, opened read-only) table by table with COPY into the
empty database and builds the PostgreSQL index from it (``reindex``): minutes instead of
the import and synthesis.

``--explain PARAMS`` prints, for one ``GET /search/?PARAMS``, every SQL statement with its
time and its ``EXPLAIN (ANALYZE, BUFFERS)`` plan, and times nothing.
Drop the ``chancery_bench_*`` databases afterwards on a machine that runs the test suite:
tests/postgres/test_replica.py copies the whole ``15 main`` cluster with pg_basebackup.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
#: Tables copied from a SQLite archive: the corpus and what the search reads besides it.
COPIED_PREFIXES = ("corpus_", "ingest_", "search_nameform")


def copy_from_sqlite(path: Path) -> None:
    """Copy every corpus row of the SQLite archive at ``path`` into the (migrated, empty)
    PostgreSQL database, then rebuild the search index from it."""
    import sqlite3

    from django.db import connection, transaction

    from chancery.search.indexing import reindex

    source = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    tables = [
        name
        for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if name.startswith(COPIED_PREFIXES)
    ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys are DEFERRABLE INITIALLY DEFERRED: checked once, at commit.
        cursor.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
        for table in tables:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = %s ORDER BY ordinal_position",
                [table],
            )
            types = dict(cursor.fetchall())
            columns = [c for (_, c, *_) in source.execute(f"PRAGMA table_info({table})")]
            columns = [c for c in columns if c in types]
            booleans = [i for i, c in enumerate(columns) if types[c] == "boolean"]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = source.execute(f"SELECT {names} FROM {table}")  # noqa: S608
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    if booleans:
                        row = list(row)
                        for i in booleans:
                            row[i] = None if row[i] is None else bool(row[i])
                    copy.write_row(row)
            if "id" in columns:
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                cursor.execute(
                    f"SELECT setval({sequence}, coalesce(max(id), 0) + 1, false) FROM {table}"  # noqa: S608
                )
    print(
        f"  copied {len(tables)} tables in {time.perf_counter() - started:.0f} s", file=sys.stderr
    )
    started = time.perf_counter()
    total = reindex()
    print(f"  indexed {total} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def profile(params: str) -> None:
    """Each SQL statement of one search request: its time and its plan."""
    from urllib.parse import parse_qsl

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    query = dict(parse_qsl(params))
    client.get("/search/", query)  # warm
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        client.get("/search/", query)
        elapsed = time.perf_counter() - started
    sql_time = sum(float(q["time"]) for q in captured.captured_queries)
    print(f"GET /search/?{params}: {elapsed * 1000:.0f} ms, {len(captured)} statements, "
          f"{sql_time * 1000:.0f} ms of SQL")  # fmt: skip
    for q in sorted(captured.captured_queries, key=lambda q: -float(q["time"])):
        print(f"\n--- {float(q['time']) * 1000:.1f} ms: {q['sql'][:600]}")
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))


def prepare(size: str, home: str, from_sqlite: str, explain: str) -> None:
    """In a process of its own (Django set up on PostgreSQL): migrate, copy the SQLite
    archive of that size when the database is empty and ``from_sqlite`` names one, and
    with ``explain`` show one request's statements and plans."""
    import search

    search.setup(Path(home) / size)
    from chancery.corpus.models import Document

    sqlite = Path(from_sqlite) / size / "chancery.sqlite3" if from_sqlite else None
    if sqlite and sqlite.exists() and not Document.objects.exists():
        copy_from_sqlite(sqlite)
        from django.db import connection

        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE")
    if explain:
        profile(explain)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real")
    parser.add_argument("--url", default="", help="the database (default: chancery_bench_SIZE)")
    parser.add_argument("--from-sqlite", default="", metavar="HOME",
                        help="copy the SQLite archive HOME/SIZE/chancery.sqlite3 (read only) "
                        "into an empty database")  # fmt: skip
    parser.add_argument("--explain", default="", metavar="PARAMS",
                        help="one request's SQL statements and plans; no timing")  # fmt: skip
    parser.add_argument("--home", default=str(Path(tempfile.gettempdir()) / "chancery-bench-pg"))
    args, rest = parser.parse_known_args()  # the rest goes to bench/search.py
    for size in args.sizes.split(","):
        url = args.url
        if not url:
            env = {**os.environ, "PG_DATABASE": f"chancery_bench_{size}"}
            url = subprocess.run(  # noqa: S603 — our own script
                [str(ROOT / "scripts" / "postgres.sh")], env=env, check=True,
                capture_output=True, text=True,
            ).stdout.strip()  # fmt: skip
        env = {**os.environ, "CHANCERY_DATABASE_URL": url}
        code = (
            "import search_postgres; "
            f"search_postgres.prepare({size!r}, {args.home!r}, {args.from_sqlite!r}, "
            f"{args.explain!r})"
        )
        subprocess.run(  # noqa: S603 — this very file, in a fresh process per size
            [sys.executable, "-c", code], env=env, check=True, cwd=ROOT / "bench"
        )
        if not args.explain:
            command = [sys.executable, str(ROOT / "bench" / "search.py"), "--engine", "postgres",
                       "--sizes", size, "--home", args.home, *rest]  # fmt: skip
            subprocess.run(command, env=env, check=True)  # noqa: S603 — our own bench
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
