"""The ``chancery`` command: one entry point for running and managing an archive.

Each subcommand is a Django management command (so ``chancery X --help`` shows its
options); ``serve`` runs the production server, gunicorn.
"""

from __future__ import annotations

import argparse
import os
import sys

#: subcommand -> one-line description, in the order ``chancery --help`` lists them.
COMMANDS = {
    "serve": "Serve the archive with gunicorn (--port N, default $PORT or 8000).",
    "worker": "Run background jobs such as OCR (--burst: run what is due, then exit).",
    "migrate": "Create or upgrade the database tables.",
    "demo": "Load the demo archive (--if-empty: only into an empty archive).",
    "createuser": "Create a back-office account: chancery createuser NAME [--role ROLE].",
    "reindex": "Rebuild the search index from the database.",
    "import": "Import files: chancery import tei|da-json|csv|jsonl|ead FILE... [--as NAME].",
    "export": "Export: chancery export jsonl|csv OUT; chancery export ead|eac RECORD OUT.",
    "check": "Check the installation and configuration.",
    "manage": "Run any Django management command: chancery manage COMMAND [ARGS].",
}


def _help() -> str:
    width = max(map(len, COMMANDS))
    lines = [
        "usage: chancery COMMAND [OPTIONS]",
        "",
        "Chancery, a digital archive for primary-source documents.",
        "",
        "commands:",
        *(f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()),
        "",
        "`chancery COMMAND --help` shows a command's options.",
        "Settings come from the environment: CHANCERY_HOME (default ./var),",
        "CHANCERY_DATABASE_URL, CHANCERY_SECRET_KEY, CHANCERY_DEBUG, CHANCERY_ALLOWED_HOSTS.",
    ]
    return "\n".join(lines)


#: ``chancery serve --worker-class`` -> gunicorn options. gevent is the default: measured
#: with bench/slowloris.py, 6 half-sent requests starve 3 sync workers; gthread (8 threads)
#: survives 40, gevent 300 (docs/deploy.md, "One machine: chancery serve").
WORKER_CLASSES = {
    "gevent": ["--worker-class", "gevent", "--worker-connections", "300"],
    "gthread": ["--worker-class", "gthread", "--threads", "8"],
    "sync": ["--worker-class", "sync"],
}


def default_workers() -> int:
    """One worker per core this process may run on, and at least two. A search is CPU
    work that does not yield to other greenlets (SQLite, Tantivy), so more processes
    than cores only contend: on two cores gevent x 2 served 10-20 % more searches than
    x 3 (bench/README.md, "Throughput, session 10 merged"). Two at least, so that one
    worker still answers while the other runs a search up to the time limit."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(2, cores)


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chancery serve", description=COMMANDS["serve"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="gunicorn worker processes (default: one per core, at least 2).",
    )
    parser.add_argument(
        "--worker-class",
        choices=WORKER_CLASSES,
        default="gevent",
        help="gevent (default: a slow client costs a greenlet, not a worker), gthread or sync.",
    )
    args = parser.parse_args(argv)
    _index_up_to_date()
    _static_collected()
    command = [
        sys.executable, "-m", "gunicorn", "chancery.wsgi:application",
        "--bind", f"{args.host}:{args.port}", "--workers", str(args.workers),
        "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1",
        *WORKER_CLASSES[args.worker_class],
        # Survive slow clients and a crashed master (see docs/deploy.md, "chancery serve").
        "--timeout", "30", "--graceful-timeout", "10", "--keep-alive", "5",
        "--config", "python:chancery.gunicorn_config",
        # gunicorn 24+ opens ~/.gunicorn/gunicorn.ctl, one for every instance of a user:
        # Chancery does not use it.
        "--no-control-socket",
    ]  # fmt: skip
    print(f"Chancery is at http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    os.execv(sys.executable, command)  # noqa: S606 — replaces this process with gunicorn
    return 0


def _static_collected() -> None:
    """Static files copied under hashed names and compressed, once per start: pages then
    name files a browser may keep for good (chancery/web/staticfiles.py)."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def _index_up_to_date() -> None:
    """A search index kept beside the database (Tantivy) is checked before serving and
    rebuilt when a crash or a copied database left it behind."""
    import django
    from django.db import DatabaseError

    django.setup()
    from chancery.search.indexing import bring_up_to_date

    try:
        bring_up_to_date(report=lambda line: print(line, flush=True))
    except DatabaseError as error:  # not migrated yet: nothing to compare
        print(f"Search index not checked: {error}", flush=True)


#: Commands that need the archive's tables: on a home without a database they create it first.
NEEDS_TABLES = {"serve", "worker", "demo", "createuser", "reindex", "import", "export"}


def _tables_ready(name: str) -> bool:
    """Create the tables of a database that has none yet (a fresh home), so the first
    `chancery import` or `serve` works without a separate `migrate`; a database that has
    tables but lacks migrations is left alone (a deployment migrates on its own schedule)
    and the command stops with the one command to run."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return True
    if not executor.loader.applied_migrations:
        print("A new archive: creating its tables first (chancery migrate).", flush=True)
        call_command("migrate", interactive=False, verbosity=0)
        return True
    print(
        f"chancery {name}: the database needs {len(pending)} migration(s); "
        "run `chancery migrate` first.",
        file=sys.stderr,
    )
    return False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.umask(0o027)  # before anything is written: nothing world-readable (see settings.py)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_help())
        return 0
    name, rest = argv[0], argv[1:]
    wants_help = bool({"-h", "--help"} & set(rest))
    if name in NEEDS_TABLES and not wants_help and not _tables_ready(name):
        return 1
    if name == "serve":
        return serve(rest)
    if name == "manage":
        name, rest = (rest[0], rest[1:]) if rest else ("help", [])
    elif name not in COMMANDS:
        print(f"chancery: unknown command {name!r}\n\n{_help()}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chancery", name, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
