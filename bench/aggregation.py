"""What a first visit's facet aggregation costs in Tantivy, part by part.

    nice -n 5 .venv/bin/python bench/aggregation.py --home DIR --size 200000 [--rounds 7]
    nice -n 5 .venv/bin/python bench/aggregation.py --synthetic [--documents 200000]

With ``--home``: the 16 queries of ``bench/search.py``, planned as the search page plans
them, against the Tantivy index of the archive ``DIR/SIZE`` (read only). For each step it
prints the median over the rounds of ``searcher.aggregate`` summed over the queries: the
matches counted alone (the query evaluated again), then each facet's terms aggregation
added to that count on its own, then every facet at once (what the page asks), and the
years as a terms aggregation (what the page asks; the decades are summed from them)
against a histogram of the year column.

With ``--synthetic``: an index of its own in a temporary folder (removed after), to tell
what the index's layout costs apart from the archive:

- a terms aggregation over a text column against an integer column holding the same
  values (436 values, as the collection sets of the bench archives), and over an integer
  column of 12 values (as the types): is it the column's kind or its number of values;
- counting a word's matches in six text fields (the page's query: one term a field)
  against one field holding every text.

Benchmarks, not tests: nothing is asserted; figures go to ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

#: What ``searching.BUCKETS`` is; --synthetic runs without Django (``searching`` needs it).
BUCKETS = 65_000


def terms(field: str) -> dict:
    """``searching.terms`` for the index --synthetic builds."""
    return {"terms": {"field": field, "size": BUCKETS, "min_doc_count": 1}}


COUNT = {"matched": {"value_count": {"field": "pk"}}}


def timed(searcher, queries, aggregations: dict, rounds: int) -> float:
    """Median over ``rounds`` of the milliseconds ``aggregations`` take over ``queries``."""
    runs = []
    for _ in range(rounds):
        started = time.perf_counter()
        for query in queries:
            searcher.aggregate(query, aggregations)
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def _plans(home: Path, size: str) -> list:
    """The distinct plans the search page makes of the bench's 16 queries."""
    import search as bench

    os.environ["CHANCERY_SEARCH_BACKEND"] = bench.ENGINES["tantivy"]
    bench.setup_built(home / size)
    from django.conf import settings
    from django.test import Client

    from chancery.search.backends.tantivy import searching

    settings.ALLOWED_HOSTS = ["*"]
    plans = []
    made = searching.Searching.__init__

    def record(self, plan):
        plans.append(plan)
        made(self, plan)

    searching.Searching.__init__ = record
    try:
        client = Client()
        for params in bench.QUERIES:
            bench.request_once(client, bench.resolve(params))
    finally:
        searching.Searching.__init__ = made
    distinct = {}
    for plan in plans:
        distinct.setdefault((repr(plan.parsed), repr(plan.dates), repr(plan.facets)), plan)
    return list(distinct.values())


def archive(home: Path, size: str, rounds: int) -> None:
    plans = _plans(home, size)  # sets Django up
    from chancery.search.backends.tantivy import searching
    from chancery.search.backends.tantivy.query import UNDATED, plan_query
    from chancery.search.backends.tantivy.schema import current_searcher, levels_held
    from chancery.search.facets import FACETS
    from chancery.search.page import FACET_SHOWN

    queries = [plan_query(plan) for plan in plans]
    searcher = current_searcher()
    # what ``Searching.summary`` asks: the collections by the depths documents are filed at
    # (``searching.parts``), the decades on the years, the undated documents as a key of
    # their own; and what a page's aside asks (``heads``): the first values of each facet
    levels = levels_held(searcher, None)
    facets, heads = {}, {}
    for name in [*FACETS, "year"]:
        head = searching.listed(FACET_SHOWN) if searching.headed(name) else None
        for field in searching.parts(name, levels):
            facets[field] = searching.terms(field)
            heads[field] = searching.terms(field, head) if head else facets[field]
    for name, spec in FACETS.items():
        if spec.model is None:
            for field in searching.parts(name, levels):
                facets[field]["terms"]["missing"] = UNDATED
    for aggregations in (COUNT, facets):  # warm up: the index's files read once
        timed(searcher, queries, aggregations, 2)
    alone = timed(searcher, queries, COUNT, rounds)
    print(f"{size}: {len(queries)} queries, {searcher.num_docs:,} documents, "
          f"{searcher.num_segments} segments, load {os.getloadavg()[0]:.1f}; ms over the "
          f"queries, median of {rounds}")  # fmt: skip
    print(f"  the matches counted alone        {alone:7.2f}")
    for name, aggregation in facets.items():
        added = timed(searcher, queries, {**COUNT, name: aggregation}, rounds) - alone
        print(f"  + {name:30s} {added:+7.2f}")
    print(f"  every facet at once              {timed(searcher, queries, facets, rounds):7.2f}")
    print(f"  a page's first values at once    {timed(searcher, queries, heads, rounds):7.2f}")
    as_terms = {**COUNT, "year": facets["year"]}
    as_histogram = {**COUNT, "year": {"histogram": {"field": "year", "interval": 1}}}
    by_terms = timed(searcher, queries, as_terms, rounds) - alone
    by_histogram = timed(searcher, queries, as_histogram, rounds) - alone
    print(f"  + years (and decades) as terms   {by_terms:+7.2f}")
    print(f"  + years as a histogram           {by_histogram:+7.2f}")


def synthetic(documents: int, rounds: int) -> None:
    import tantivy

    rng = random.Random(1)
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("pk", stored=True, indexed=True, fast=True)
    builder.add_text_field("set_text", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_integer_field("set_integer", indexed=True, fast=True)
    builder.add_integer_field("type", indexed=True, fast=True)
    columns = ("title", "summary", "translation", "transcript", "names", "machine")
    lengths = (8, 30, 150, 150, 5, 0)
    for column in columns:
        builder.add_text_field(column, tokenizer_name="default")
    builder.add_text_field("every_text", tokenizer_name="default", index_option="basic")
    schema = builder.build()
    folder = tempfile.mkdtemp(prefix="bench-aggregation-")
    try:
        index = tantivy.Index(schema, path=folder)
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        sets = [
            " ".join(str(pk) for pk in sorted(rng.sample(range(1, 564), rng.randint(1, 4))))
            for _ in range(436)
        ]
        weights = [1 / (rank + 1) for rank in range(436)]  # a few large sets, many small
        words = [f"w{n}" for n in range(2000)]
        for pk in range(documents):
            which = rng.choices(range(436), weights)[0]
            doc = tantivy.Document(pk=pk, set_text=sets[which], set_integer=which + 1,
                                   type=rng.randint(1, 12))  # fmt: skip
            texts = []
            for column, length in zip(columns, lengths, strict=True):
                if not length or (column == "transcript" and pk % 10):
                    continue
                vocabulary = words[: int(len(words) * rng.random()) + 1]
                text = " ".join(rng.choice(vocabulary) for _ in range(length))
                if rng.random() < 0.15:
                    text += " treaty"
                doc.add_text(column, text)
                texts.append(text)
            doc.add_text("every_text", " ".join(texts))
            writer.add_document(doc)
            if pk % 50_000 == 49_999:  # several segments, as an archive built in batches
                writer.commit()
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        searcher = index.searcher()
        print(f"synthetic: {documents:,} documents, {searcher.num_segments} segments, "
              f"load {os.getloadavg()[0]:.1f}; ms a query, median of {rounds}")  # fmt: skip
        treaty = [index.parse_query("treaty", ["translation"])]
        found = searcher.search(treaty[0], 1, count=True).count
        timed(searcher, treaty, {"f": terms("set_text"), "g": terms("set_integer")}, 2)
        alone = timed(searcher, treaty, COUNT, rounds * 5)
        print(f"  {found:,} matches counted alone            {alone:6.3f}")
        for label, field in (("436 sets as text", "set_text"),
                             ("436 sets as integers", "set_integer"),
                             ("12 types as integers", "type")):  # fmt: skip
            added = timed(searcher, treaty, {**COUNT, "f": terms(field)}, rounds * 5) - alone
            print(f"  + {label:34s} {added:+6.3f}")
        for word in ("treaty", "w5", "w500"):
            six = tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(tantivy.Query.term_query(schema, c, word), 2.0),
                    )
                    for c in columns
                ]
            )
            one = tantivy.Query.term_query(schema, "every_text", word)
            n = searcher.search(one, 1, count=True).count
            print(f"  {word!r} ({n:,} matches) counted in six fields "
                  f"{timed(searcher, [six], COUNT, rounds * 5):6.3f}, in one "
                  f"{timed(searcher, [one], COUNT, rounds * 5):6.3f}")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", help="the folder of the bench archives")
    parser.add_argument("--size", default="200000")
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if args.synthetic:
        synthetic(args.documents, args.rounds)
    elif args.home:
        archive(Path(args.home), args.size, args.rounds)
    else:
        parser.error("give --home (and --size) or --synthetic")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
