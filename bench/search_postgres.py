"""bench/search.py on PostgreSQL: the same archive build, queries and figures.

    nice -n 10 .venv/bin/python bench/search_postgres.py [--sizes real,200000] [--url URL]

Without --url it starts the local cluster with scripts/postgres.sh (root) and uses the
database ``chancery_bench`` (kept between runs: the import is done once per size). Only
wall-clock figures mean something here: the engine's work happens in the PostgreSQL server,
not in this process, so the CPU columns of bench/search.py undercount it.
Drop the ``chancery_bench_*`` databases afterwards on a machine that runs the test suite:
tests/postgres/test_replica.py copies the whole cluster with pg_basebackup.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real")
    parser.add_argument("--url", default="")
    parser.add_argument("--frus", default=str(ROOT.parent / "shared" / "corpora" / "frus"))
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
        home = Path(tempfile.gettempdir()) / "chancery-bench-search-pg" / size
        home.mkdir(parents=True, exist_ok=True)
        code = f"""
import sys; sys.path.insert(0, {str(ROOT / "bench")!r})
import psycopg
psycopg.sqlite_version = "n/a: PostgreSQL"  # bench/search.py prints the SQLite version
import search
from pathlib import Path
search.setup(Path({str(home)!r}))
search.import_real(Path({args.frus!r}))
if {size!r} != "real":
    search.synthesise(int({size!r}))
from django.db import connection
with connection.cursor() as c:
    c.execute("ANALYZE")
row = search.measure({size!r})
print(f"| {{row['size']}} | {{row['documents']}} | {{row['engine_p50']:.1f}} / "
      f"{{row['engine_p95']:.1f}} | {{row['request_p50']:.1f}} / {{row['request_p95']:.1f}} | "
      f"{{row['load']:.1f}} |")
print("  slowest requests:", row["slowest"], file=sys.stderr)
"""
        subprocess.run([sys.executable, "-c", code], env=env, check=True)  # noqa: S603
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
