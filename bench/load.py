"""A bounded load test of a running Chancery: cheap and budget-busting searches at once.

    nice -n 5 .venv/bin/python bench/load.py --home /tmp/chancery-bench-search/real
    .venv/bin/python bench/load.py --port 8000          # a server already running

Loopback only (127.0.0.1). With ``--home`` it starts ``chancery serve`` on a free port with
that CHANCERY_HOME (``--worker-class``, ``--workers``) and stops it at the end; with
``--port`` it targets a server already running there. At each concurrency (``--levels``,
default 1,8,32) it sends ``--requests`` requests (default 160), half cheap searches and half
expensive ones (the 26-prefix query, OR bombs, 100 hits a page with snippets, /srv/ with the
same, a prefix over the expansion cap, a page past the result window) — or with ``--mix``
cheap searches, browse pages, or ``distinct``: a search for another word of the archive's
titles each request, so that no kept page answers any —, and stops a level
after ``--seconds`` (default 90) whatever is left. It prints requests per second, p50 and
p95 (milliseconds) overall and for the cheap requests alone, and the count of 4xx (budget
refusals: expected) and 5xx (must be zero).
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

HOST = "127.0.0.1"
ALPHABET = " ".join(f"{chr(c)}*" for c in range(ord("a"), ord("z") + 1))

CHEAP = [
    "/search/?q=treaty",
    "/search/?q=China",
    "/search/?q=tariff+duties",
    "/api/v1/search?q=minister",
    "/srv/record.json?q=Paris",
    "/search/?q=%22Secretary+of+State%22",
]
EXPENSIVE = [
    f"/search/?q={quote(ALPHABET)}&per_page=100",
    f"/srv/record.json?q={quote(ALPHABET)}&itemsPerPage=100",
    f"/api/v1/search?q={quote(ALPHABET)}&per_page=100",
    "/search/?q=" + quote(" OR ".join(f"the{n}" for n in range(60))) + "&per_page=100",
    "/search/?q=" + quote("the of and to in a is that for it as was with be by") + "&per_page=100",
    "/search/?q=nation*+govern*+treat*&per_page=100",
    "/srv/record.json?q=the&itemsPerPage=100",
    "/search/?q=con*&per_page=100",  # over the expansion cap: 400
    "/search/?q=the&page=101&per_page=100",  # past the window: 400
    "/srv/record.json?q=the&itemsPerPage=500",  # over per_page: 400
]


#: ``--mix pages``: what a reader browses (the record is the longest FRUS text).
PAGES = [
    "/",
    "/people/",
    "/people/?letter=S",
    "/places/",
    "/collections/",
    "/chronology/",
    "/types/",
    "/document/frus1897/d198/",
    "/person/seward/",
    "/collection/frus1864p3-france/contents/",
]
#: ``--mix distinct``: one search a request, each for another word of the archive's
#: vocabulary (``vocabulary``), so every request runs a search: no page kept from an
#: earlier request answers it.
MIXES = {"mixed": None, "cheap": CHEAP, "pages": PAGES, "distinct": None}
#: Words a reader would not search for alone.
STOPWORDS = {
    "the", "and", "for", "from", "with", "that", "this", "which", "were", "have", "been",
    "their", "there", "they", "will", "would", "upon", "your", "into", "than", "them",
    "these", "those", "such", "said", "other", "also", "only", "made", "some", "more",
}  # fmt: skip


def vocabulary(home: str, seed: int = 18) -> list[str]:
    """Distinct words of the documents' titles in the archive at ``home`` (read only),
    in a fixed random order: broad ones ("government") and rare ones alike."""
    import random
    import re
    import sqlite3

    database = sqlite3.connect(f"file:{home}/chancery.sqlite3?mode=ro", uri=True)
    try:
        titles = database.execute(
            "SELECT title FROM corpus_document WHERE public_id NOT LIKE 'synthetic/%'"
        ).fetchall()
    finally:
        database.close()
    words = {w.lower() for (title,) in titles for w in re.findall(r"[A-Za-z]{4,}", title)}
    ordered = sorted(words - STOPWORDS)
    random.Random(seed).shuffle(ordered)
    return ordered


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _serve_default() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from chancery.cli import default_workers

    return default_workers()


def start_server(home: str, workers: int, worker_class: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    env.update(CHANCERY_HOME=home, CHANCERY_ALLOWED_HOSTS=HOST)
    for name in ("CHANCERY_SEARCH_BACKEND", "CHANCERY_DATABASE_URL", "CHANCERY_SEARCH_TIMEOUT",
                 "CHANCERY_PAGE_CACHE_MB"):  # fmt: skip
        if name in os.environ:
            env[name] = os.environ[name]
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "chancery.cli", "serve", "--port", str(port),
         "--workers", str(workers), "--worker-class", worker_class],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    end = time.monotonic() + 120
    while time.monotonic() < end:
        if process.poll() is not None:
            sys.exit(f"chancery serve exited with {process.returncode}")
        try:
            if request(port, "/")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.5)
    stop_server(process)
    sys.exit("chancery serve did not answer within 120 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def group_cpu(group: int) -> float:
    """CPU seconds (user + system) used so far by the processes of a process group: the
    server's master and workers (Linux /proc; 0 elsewhere). Per request, this is what a
    shared machine's load does not inflate."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            rest = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended meanwhile
        if int(rest[2]) == group:
            total += int(rest[11]) + int(rest[12])
    return total / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.0


def request(port: int, path: str, timeout: float = 60) -> tuple[int, float]:
    start = time.monotonic()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - start
    finally:
        conn.close()


def run_level(
    port: int, concurrency: int, total: int, seconds: float, mix: str = "mixed",
    words: list[str] | None = None,
) -> dict:  # fmt: skip
    if mix == "distinct":  # each word once, taken from the front of the list
        if words is None or len(words) < total:
            sys.exit(f"--mix distinct: {len(words or [])} words left, {total} needed")
        paths = [f"/search/?q={quote(w)}" for w in words[:total]]
        del words[:total]
    elif MIXES[mix] is None:  # half cheap, half expensive
        paths = [p for pair in zip(CHEAP * 20, EXPENSIVE * 20, strict=False) for p in pair]
    else:
        paths = MIXES[mix] * (total // len(MIXES[mix]) + 1)
    paths = paths[:total]
    lock = threading.Lock()
    results: list[tuple[str, int, float]] = []
    deadline = time.monotonic() + seconds

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                if not paths:
                    return
                path = paths.pop(0)
            try:
                status, took = request(port, path)
            except OSError:
                status, took = 599, time.monotonic() - deadline + seconds
            with lock:
                results.append((path, status, took))

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start

    def pct(values: list[float], q: float) -> float:
        if not values:
            return 0.0
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))] * 1000

    times = [t for _, _, t in results]
    cheap = [t for p, _, t in results if p not in EXPENSIVE]
    return {
        "concurrency": concurrency,
        "requests": len(results),
        "req/s": len(results) / elapsed if elapsed else 0.0,
        "p50": statistics.median(times) * 1000 if times else 0.0,
        "p95": pct(times, 0.95),
        "cheap p50": statistics.median(cheap) * 1000 if cheap else 0.0,
        "cheap p95": pct(cheap, 0.95),
        "4xx": sum(400 <= s < 500 for _, s, _ in results),
        "5xx": sum(s >= 500 for _, s, _ in results),
        "5xx kinds": sorted({f"{s} {p[:40]}" for p, s, _ in results if s >= 500}),
        "unsent": len(paths),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--home", help="CHANCERY_HOME of an archive to serve for the test")
    target.add_argument("--port", type=int, help="a server already running on 127.0.0.1")
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--requests", type=int, default=160, help="per level (at most 2000)")
    parser.add_argument("--seconds", type=float, default=90, help="per level (at most 300)")
    parser.add_argument(
        "--workers", type=int, default=None, help="default: chancery serve's (one per core, ≥ 2)"
    )
    parser.add_argument("--worker-class", default="gevent", choices=["gevent", "gthread", "sync"])
    parser.add_argument(
        "--mix",
        default="mixed",
        choices=sorted(MIXES),
        help="mixed, cheap searches, pages, or distinct (another word each request)",
    )
    parser.add_argument(
        "--words-from", help="--mix distinct: the archive whose titles give the words "
        "(default: --home)"
    )  # fmt: skip
    args = parser.parse_args()
    total, seconds = min(args.requests, 2000), min(args.seconds, 300.0)
    words = None
    if args.mix == "distinct":
        if not (args.words_from or args.home):
            parser.error("--mix distinct needs --home or --words-from (an archive's folder)")
        words = vocabulary(args.words_from or args.home)
    process = None
    port = args.port
    if args.home:
        process, port = start_server(args.home, args.workers or _serve_default(), args.worker_class)
    try:
        request(port, "/search/?q=treaty")  # warm each worker's caches a little
        print(
            f"{'concurrency':>11} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'cheap p50':>9} {'cheap p95':>9} {'4xx':>4} {'5xx':>4} {'CPU ms/req':>10} "
            f"{'load':>5}"
        )
        failed = 0
        for level in [int(n) for n in args.levels.split(",")]:
            cpu = group_cpu(process.pid) if process is not None else 0.0
            row = run_level(port, level, total, seconds, args.mix, words)
            if process is not None and row["requests"]:
                row["cpu"] = (group_cpu(process.pid) - cpu) / row["requests"] * 1000
            failed += row["5xx"]
            print(
                f"{row['concurrency']:>11} {row['requests']:>8} {row['req/s']:>7.1f} "
                f"{row['p50']:>8.0f} {row['p95']:>8.0f} {row['cheap p50']:>9.0f} "
                f"{row['cheap p95']:>9.0f} {row['4xx']:>4} {row['5xx']:>4} "
                f"{row.get('cpu', 0.0):>10.1f} {os.getloadavg()[0]:>5.1f}"
                + (f"  ({row['unsent']} not sent: time was up)" if row["unsent"] else ""),
                flush=True,
            )
            for kind in row["5xx kinds"]:
                print(f"{'':>11} 5xx: {kind} (599: no answer within 60 s)")
    finally:
        if process is not None:
            stop_server(process)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
