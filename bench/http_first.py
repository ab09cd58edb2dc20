"""First visits of the bench's searches over HTTP, through ``chancery serve`` as deployed.

    .venv/bin/python bench/http_first.py --home /work/bench-homes/200000 --rounds 8

``bench/search.py`` times a request through Django's test client in its own process; this
times it as a reader gets it: one gevent worker (``chancery serve``'s default class), the
page cache off, each of ``bench/search.py``'s queries asked once a round with a parameter
of the round's own (``round=N``: nothing a search keeps for its other pages answers it).
The first round warms the worker and is not counted. Prints the p50 and mean of the
rounds' wall times, milliseconds. The queries that name a type or collection of the
archive are left out (they are resolved through Django, which this process does not run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402 — the bench's server helpers, beside this file
from search import QUERIES  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", required=True, help="CHANCERY_HOME of a built archive")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--worker-class", default="gevent", choices=["gevent", "gthread", "sync"])
    args = parser.parse_args()
    if not (Path(args.home) / "chancery.sqlite3").exists():
        sys.exit(f"{args.home}: no archive (build one with bench/search.py --build-only)")
    os.environ["CHANCERY_PAGE_CACHE_MB"] = "0"
    queries = [q for q in QUERIES if not any(str(v).startswith("__") for v in q.values())]
    walls: list[float] = []
    process, port = load.start_server(args.home, 1, args.worker_class)
    try:
        for round_ in range(args.rounds + 1):
            for query in queries:
                path = "/search/?" + urlencode({**query, "round": round_})
                status, seconds = load.request(port, path)
                if status != 200:
                    sys.exit(f"{query}: HTTP {status}")
                if round_:
                    walls.append(seconds * 1000)
    finally:
        load.stop_server(process)
    print(
        f"{len(walls)} first visits ({args.worker_class}, 1 worker): "
        f"p50 {statistics.median(walls):.1f} ms, mean {statistics.mean(walls):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
