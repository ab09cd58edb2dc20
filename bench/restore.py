"""The JSONL restore against its anchor: parse the file + build the index in bulk (issue 18).

    .venv/bin/python bench/restore.py FILE.jsonl [--home DIR] [--engine tantivy|fts5]
        [--anchor-only]

``FILE.jsonl``: an export, e.g. ``bench/synthetic.py --documents 8000 --out FILE.jsonl``.
Creates a new archive's tables (``chancery migrate``, timed apart: a one-off of a new
archive that does not grow with the file), restores the file into that empty archive
(``chancery import jsonl``, its own process: wall and CPU time of that process), then
times the anchor on the restored archive: the file read and parsed as the restore reads it
(``check_export`` and every line's JSON, no database) and a bulk build of the search index
(``chancery reindex``). Prints documents per second of wall and of CPU and the restore as a
multiple of the anchor, without and with the table creation (the anchor, too, is measured
on an archive that exists).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHANCERY = Path(sys.executable).parent / "chancery"


def _timed(command: list[str], env: dict) -> tuple[float, float, str]:
    """(wall, CPU of the child) seconds, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    wall = time.monotonic() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return wall, cpu, done.stdout + done.stderr


def _parse(path: Path) -> tuple[float, float, int]:
    """The file read as the restore reads it, writing nothing: (wall, CPU, documents)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    import django

    django.setup()
    from chancery.ingest import jsonl

    began, cpu = time.monotonic(), time.process_time()
    jsonl.check_export(path)
    documents = 0
    for _n, raw in jsonl._lines(path):
        documents += json.loads(raw).get("type") == "document"
    return time.monotonic() - began, time.process_time() - cpu, documents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--home", type=Path, help="the archive to restore into (made empty)")
    parser.add_argument("--engine", default="tantivy", choices=("tantivy", "fts5"))
    parser.add_argument("--anchor-only", action="store_true", help="an archive restored already")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="chancery-restore-"))
    env = {**os.environ, "CHANCERY_HOME": str(home), "CHANCERY_SEARCH_BACKEND": args.engine}
    os.environ.update(CHANCERY_HOME=str(home), CHANCERY_SEARCH_BACKEND=args.engine)
    load = os.getloadavg()[0]
    if not args.anchor_only:
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        tables_wall, tables_cpu, _ = _timed([str(CHANCERY), "migrate", "--verbosity", "0"], env)
        wall, cpu, out = _timed(
            [str(CHANCERY), "import", "jsonl", str(args.file), "--no-progress"], env
        )
        print(out.strip().splitlines()[-1])
    parse_wall, parse_cpu, documents = _parse(args.file)
    index_wall, index_cpu, _ = _timed([str(CHANCERY), "reindex"], env)
    anchor_wall, anchor_cpu = parse_wall + index_wall, parse_cpu + index_cpu
    print(f"{documents} documents, {args.engine}, load {load:.1f} -> {os.getloadavg()[0]:.1f}")
    print(f"anchor: parse {parse_wall:.1f} s wall / {parse_cpu:.1f} s CPU, "
          f"bulk index build {index_wall:.1f} / {index_cpu:.1f} s")  # fmt: skip
    if not args.anchor_only:
        print(f"new archive's tables (chancery migrate): {tables_wall:.1f} s wall / "
              f"{tables_cpu:.1f} s CPU")  # fmt: skip
        print(f"restore: {wall:.1f} s wall ({documents / wall:.0f} docs/s), {cpu:.1f} s CPU "
              f"({documents / cpu:.0f} docs/s of CPU)")  # fmt: skip
        _ratio("restore / anchor", wall, cpu, anchor_wall, anchor_cpu)
        _ratio("with the tables", wall + tables_wall, cpu + tables_cpu, anchor_wall, anchor_cpu)
    return 0


def _ratio(label: str, wall: float, cpu: float, anchor_wall: float, anchor_cpu: float) -> None:
    print(f"{label}: {wall / anchor_wall:.2f}x wall, {cpu / anchor_cpu:.2f}x CPU")


if __name__ == "__main__":
    sys.exit(main())
