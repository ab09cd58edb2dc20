"""Where a search request's time goes, part by part, without a profiler.

    nice -n 5 .venv/bin/python bench/page_parts.py --home DIR --size real [--rounds 3]

Runs the 16 queries of ``bench/search.py`` as first visits (``first_visit``) on the Tantivy
engine over an archive built by it (``DIR/SIZE``; read only: nothing is built here) and
times named steps of the page in place with the thread's CPU time and the wall clock (each
wraps the one below it: the figures nest, they do not add up). Prints the request's CPU
p50 and mean and each step's CPU and wall milliseconds per request: a step's wall beyond
its CPU is waiting, for the aggregation or for the GIL while the aggregation's thread
holds it. cProfile inflates small functions many times over; this does not, so it is what
to compare before and after a change of the page. The facets' aggregation runs on another
thread (``Searching.begin_summary``): its CPU is in none of the steps, only reading its
result ("aggregation read") is; its buckets are turned into counts there too
("facet values counted", that thread's CPU)."""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

#: (module, attribute, label) of each step timed.
STEPS = [
    ("chancery.web.views", "search", "view"),
    ("chancery.search.page", "build_search_page", "build the page"),
    ("chancery.search.backends.base", "compile_plan", "compile the plan"),
    ("chancery.search.backends.base", "SearchResults._hits", "hits (ranked, rows, marks)"),
    ("chancery.search.backends.tantivy.searching", "Searching._ranked", "ranked search, counting"),
    ("chancery.search.backends.tantivy.searching", "Searching._flags", "rerank flags query"),
    ("chancery.search.ranking", "contenders", "rerank contenders"),
    ("chancery.search.ranking", "rerank", "rerank"),
    ("chancery.search.backends.base", "published_documents", "hit rows (SQL)"),
    ("chancery.search.backends.tantivy.searching", "Searching.shown", "stored excerpts"),
    ("chancery.search.backends.tantivy.backend", "marks_for", "marks and snippets"),
    ("chancery.search.page", "_aside", "aside (facets, histogram)"),
    ("chancery.search.backends.base", "SearchResults.facets", "facet values (engine)"),
    ("chancery.search.backends.base", "SearchResults.facet_heads", "facet heads (engine)"),
    ("chancery.search.backends.tantivy.searching", "Searching.aggregate", "aggregation"),
    # begun on another thread (Searching.begin_summary): this thread's CPU to read it
    ("chancery.search.backends.tantivy.searching", "Searching._join_summary", "aggregation read"),
    # on the aggregation's thread when begun alongside (its thread's CPU)
    ("chancery.search.backends.tantivy.searching", "counted", "facet values counted"),
    ("chancery.search.backends.tantivy.backend", "labelled_head", "labelled heads"),
    ("chancery.search.backends.tantivy.searching", "Searching.undated", "undated count"),
    ("chancery.search.page", "_facet_options", "facet options"),
    ("chancery.search.page", "build_histogram", "histogram"),
    ("chancery.search.backends.base", "SearchResults.count", "count"),
    ("chancery.search.forms", "SearchForm.from_request", "form"),
    ("chancery.search.forms", "SearchForm.is_valid", "form validated"),
    ("chancery.web.reading", "results_context", "results context"),
    ("chancery.web.reading", "annotate_hits", "hits' provenance and links"),
    ("chancery.web.reading", "add_provenance", "provenance"),
    ("chancery.web.reading", "facets_panel", "filters aside HTML"),
    ("chancery.web.reading", "per_page_links", "per-page links"),
    ("chancery.web.reading", "export_links", "export links"),
    ("chancery.web.views", "render", "template"),
]

SPENT: dict[str, float] = defaultdict(float)
#: The same steps' wall-clock time (beyond their CPU: waiting for the aggregation's thread,
#: for the GIL it holds while the binding turns its buckets into Python objects, or for the
#: machine).
WALL: dict[str, float] = defaultdict(float)


def _timed(module: str, attribute: str, label: str) -> None:
    owner = importlib.import_module(module)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)

    @functools.wraps(original)
    def timed(*args, **kwargs):
        started, began = time.thread_time(), time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] += time.thread_time() - started
            WALL[label] += time.perf_counter() - began

    setattr(owner, name, timed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", required=True, help="the folder of the bench archives")
    parser.add_argument("--size", default="real")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import search as bench

    os.environ["CHANCERY_SEARCH_BACKEND"] = bench.ENGINES["tantivy"]
    bench.setup_built(Path(args.home) / args.size)
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    for step in STEPS:
        _timed(*step)
    client = Client()
    queries = [bench.resolve(q) for q in bench.QUERIES]
    for query in queries:  # warm up, as bench/search.py does
        bench.request_once(client, query)
    SPENT.clear()
    WALL.clear()
    bench.CPU.clear()
    for _ in range(args.rounds):
        for query in queries:
            bench.request_once(client, query)
    n, cpu = len(bench.CPU), bench.CPU
    p50, mean = statistics.median(cpu) * 1000, statistics.mean(cpu) * 1000
    load = os.getloadavg()[0]
    print(f"{args.size}: {n} first visits, request CPU p50 {p50:.2f} ms, mean {mean:.2f} ms, "
          f"load {load:.1f}")  # fmt: skip
    print(f"  {'step':28s} {'CPU':>6s}    {'wall':>6s}")
    for _module, _attribute, label in STEPS:
        print(f"  {label:28s} {SPENT[label] / n * 1000:6.2f} ms {WALL[label] / n * 1000:6.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
