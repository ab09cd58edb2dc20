"""A new archive's tables: ``chancery migrate`` of an empty database, this checkout against
another commit, interleaved (issue 18).

    .venv/bin/python bench/new_archive.py [--ref s13-int] [--rounds 3] [--postgres URL]

Each round runs, for the commit ``--ref`` (exported with ``git archive`` to a temporary
folder and run from there, ahead of this checkout on ``PYTHONPATH``) and then for this checkout:
``chancery manage check`` (a Django start, the floor) and ``chancery migrate --no-input``
into a new, empty home, each its own process. SQLite by default; ``--postgres URL``
migrates that database instead, emptied first (``DROP SCHEMA public CASCADE``: give it a
database of its own). Prints CPU (user + system of the process) and wall seconds, and the
1-minute load average before each run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"check": ["manage", "check"], "migrate": ["migrate", "--no-input"]}


def export(ref: str, into: Path) -> Path:
    """The tree of commit ``ref``, written under ``into``."""
    command = ["git", "-C", str(ROOT), "archive", ref]
    archive = subprocess.run(command, capture_output=True, check=True).stdout  # noqa: S603, S607
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def timed(tree: Path | None, command: list[str], postgres: str | None) -> tuple[float, float]:
    """(CPU, wall) seconds of ``chancery COMMAND`` run from ``tree`` in a new home."""
    env = {k: v for k, v in os.environ.items() if k != "CHANCERY_DATABASE_URL"}
    env["CHANCERY_HOME"] = tempfile.mkdtemp(prefix="new-archive-")
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    if postgres:
        env["CHANCERY_DATABASE_URL"] = postgres
        empty_postgres(postgres)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "chancery.cli", *command],
        cwd=tree or ROOT,  # ``-m`` imports from the working directory first
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"chancery {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="s13-int", help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        trees = {args.ref: export(args.ref, Path(folder)), "this checkout": None}
        print(f"{'round':>5}  {'code':<14} {'command':<8} {'load':>5} {'CPU s':>6} {'wall s':>6}")
        for round_ in range(1, args.rounds + 1):
            for name, tree in trees.items():
                for label, command in COMMANDS.items():
                    load = os.getloadavg()[0]
                    cpu, wall = timed(tree, command, args.postgres)
                    print(f"{round_:>5}  {name:<14} {label:<8} {load:5.2f} {cpu:6.2f} {wall:6.2f}")


if __name__ == "__main__":
    main()
