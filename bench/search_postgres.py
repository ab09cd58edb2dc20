"""bench/search.py on PostgreSQL: the same archive, queries and figures.

    PG_CLUSTER=bench nice -n 10 .venv/bin/python bench/search_postgres.py [--sizes real,200000]
        [--url URL] [--profile "q=government"]

Without --url it starts a local cluster with scripts/postgres.sh (root; ``PG_CLUSTER``
chooses which: use a separate benchmark cluster, see bench/README.md) and uses the database
``chancery_bench_<size>``, kept between runs so the archive is built once per size.

Building: when bench/search.py has already built the SQLite archive of that size
(``/tmp/chancery-bench-search/<size>/chancery.sqlite3``) its rows are copied table by
table with COPY and the PostgreSQL index is rebuilt with ``reindex`` (about 10 minutes for
200,000 documents instead of 14 for importing and synthesising again); otherwise the
archive is imported and synthesised as bench/search.py does.

Only wall-clock figures mean something here: the engine's work happens in the PostgreSQL
server, not in this process. ``--profile PARAMS`` prints, for one ``GET /search/?PARAMS``,
every SQL statement with its time and its ``EXPLAIN (ANALYZE, BUFFERS)`` plan.
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
SQLITE_ARCHIVES = Path(tempfile.gettempdir()) / "chancery-bench-search"
#: Tables copied from a SQLite archive: the corpus and what the search reads besides it.
COPIED_PREFIXES = ("corpus_", "ingest_", "search_nameform")


def copy_from_sqlite(path: Path) -> None:
    """Copy every corpus row of the SQLite archive at ``path`` into the (migrated, empty)
    PostgreSQL database, then rebuild the search index from it."""
    import sqlite3

    from django.db import connection, transaction

    from chancery.search.indexing import reindex

    source = sqlite3.connect(path)
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


def build(size: str, frus: Path) -> None:
    import search

    from chancery.corpus.models import Document

    sqlite = SQLITE_ARCHIVES / size / "chancery.sqlite3"
    if not Document.objects.exists() and sqlite.exists():
        copy_from_sqlite(sqlite)
    search.import_real(frus)
    if size != "real":
        search.synthesise(int(size))
    from django.db import connection

    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")


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


def child(size: str, frus: str, profile_params: str) -> None:
    import psycopg
    import search

    psycopg.sqlite_version = "n/a: PostgreSQL"  # bench/search.py prints the SQLite version
    home = Path(tempfile.gettempdir()) / "chancery-bench-search-pg" / size
    home.mkdir(parents=True, exist_ok=True)
    search.setup(home)
    build(size, Path(frus))
    if profile_params:
        profile(profile_params)
        return
    row = search.measure(size)
    print(f"| {row['size']} | {row['documents']:,} | {row['engine_p50']:.0f} / "
          f"{row['engine_p95']:.0f} | {row['request_p50']:.0f} / {row['request_p95']:.0f} | "
          f"{row['load']:.1f} |")  # fmt: skip
    print("  slowest requests:", row["slowest"], file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real")
    parser.add_argument("--url", default="")
    parser.add_argument("--frus", default=str(ROOT.parent / "shared" / "corpora" / "frus"))
    parser.add_argument("--profile", default="", help="query string of one request to profile")
    args = parser.parse_args()
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
            f"search_postgres.child({size!r}, {args.frus!r}, {args.profile!r})"
        )
        subprocess.run(  # noqa: S603 — this very file, in a fresh process per size
            [sys.executable, "-c", code], env=env, check=True, cwd=ROOT / "bench"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
