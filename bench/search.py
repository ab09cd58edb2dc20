"""Search speed: p50/p95 of the bare engine query and of the full search request.

    nice -n 10 .venv/bin/python bench/search.py [--sizes real,200000] [--frus DIR] [--home DIR]

For each size it builds an archive in its own CHANCERY_HOME: "real" imports the shared FRUS
volumes; a number N adds synthetic documents made from them (new ids, paragraphs recombined
from random real documents, same vocabulary, random dates 1850-1950, real types and
collections) until the archive holds N documents. Then it runs a fixed query set (single
words, several words, phrases, with date filters, with facet selections) and reports:

- engine: count, ranked top 10, snippets for them and two facet counts over all matches;
- request: GET /search/ as a user gets it (HTML, 10 hits, every facet, snippets, histogram).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    {"q": "treaty"},
    {"q": "Persia"},
    {"q": "indemnity"},
    {"q": "government"},  # broad: most of the archive
    {"q": "Boxer indemnity"},
    {"q": "minister legation protest"},
    {"q": "commercial treaty revision tariff"},
    {"q": '"most favored nation"'},
    {"q": '"open door"'},
    {"q": "Li Hongzhang"},
    {"q": "Beijing"},
    {"q": "treaty", "start_date": "1900", "end_date": "1910"},
    {"q": "claims 1870..1890"},
    {"q": "government", "start_date": "1930", "end_date": "1936"},
    {"q": "treaty", "type": "__TYPE__"},
    {"q": "minister", "collection": "__COLLECTION__"},
]
REPEAT = 5
#: CPU time of each measurement (SQLite runs in this process, so it is counted): a figure
#: that other work on a shared machine does not inflate, unlike wall-clock time.
CPU: list[float] = []
ENGINE_CPU: list[float] = []


def setup(home: Path):
    os.environ["CHANCERY_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def import_real(frus: Path):
    from django.core.management import call_command

    from chancery.corpus.models import Document

    if not Document.objects.exists():
        files = sorted(str(p) for p in frus.glob("*.xml"))
        call_command("import", "tei", *files, "--no-progress", verbosity=0)


def synthesise(target: int, seed: int = 7):
    """Add synthetic documents (and their index entries) until there are ``target``."""
    import datetime as dt

    from django.db import transaction

    from chancery.corpus.models import Document, Membership, Transcript
    from chancery.corpus.sanitize import html_to_text
    from chancery.search.backends import get_backend
    from chancery.search.backends.base import IndexEntry
    from chancery.search.indexing import indexing_paused

    have = Document.objects.count()
    if have >= target:
        return
    rng = random.Random(seed)
    real = list(
        Document.objects.filter(public_id__contains="/d")
        .exclude(public_id__startswith="synthetic/")
        .values_list("pk", "title", "doc_type_id")
    )
    paragraphs = []
    for html in Transcript.objects.values_list("html", flat=True)[:7000]:
        paragraphs += [p for p in html.split("</p>") if len(p) > 80]
    collections = list(Membership.objects.values_list("collection_id", flat=True).distinct())
    backend = get_backend()
    n, batch = have, 2000
    while n < target:
        size = min(batch, target - n)
        docs, texts = [], []
        for i in range(size):
            _, title, doc_type = rng.choice(real)
            year = rng.randint(1850, 1950)
            day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            precise = rng.random() < 0.8
            earliest = day if precise else dt.date(year, 1, 1)
            latest = day if precise else dt.date(year, 12, 31)
            docs.append(Document(
                public_id=f"synthetic/{n + i}", title=title, status=Document.PUBLISHED,
                date=day.isoformat() if precise else str(year),
                date_display=day.isoformat() if precise else str(year),
                date_earliest=earliest, date_latest=latest, decade=year // 10 * 10,
                doc_type_id=doc_type,
            ))  # fmt: skip
            texts.append("</p>".join(rng.sample(paragraphs, 3)) + "</p>")
        with transaction.atomic(), indexing_paused():
            created = Document.objects.bulk_create(docs)
            Transcript.objects.bulk_create(
                [Transcript(document=d, html=t) for d, t in zip(created, texts, strict=True)]
            )
            Membership.objects.bulk_create(
                [Membership(document=d, collection_id=rng.choice(collections)) for d in created]
            )
            entries = []
            for d, t in zip(created, texts, strict=True):
                text = html_to_text(t)
                entries.append(IndexEntry(pk=d.pk, title=d.title, summary="", body=text,
                                          transcript=text))  # fmt: skip
            backend.add(entries)
        n += size
        print(f"  {n} documents", file=sys.stderr, flush=True)
    if hasattr(backend, "optimize"):
        backend.optimize()


def resolve(params: dict) -> dict:
    from chancery.corpus.models import Collection, DocumentType

    out = dict(params)
    if out.get("type") == "__TYPE__":
        out["type"] = DocumentType.objects.order_by("pk").values_list("slug", flat=True).first()
    if out.get("collection") == "__COLLECTION__":
        out["collection"] = Collection.objects.order_by("pk").values_list("slug", flat=True)[1]
    return out


def engine_once(params: dict) -> float:
    from chancery.search.backends import get_backend
    from chancery.search.backends.base import layer_texts
    from chancery.search.facets import count_facets  # noqa: F401 (the same code, two facets)
    from chancery.search.forms import SearchForm
    from chancery.search.snippets import highlight

    form = SearchForm(params)
    assert form.is_valid(), form.errors
    started, cpu = time.perf_counter(), time.process_time()
    results = get_backend().search(form.to_query())
    results.count()
    ranked = results._ranked(0, 10)
    ids = [pk for pk, _, _ in ranked]
    from django.db.models import Count

    from chancery.corpus.models import Document

    docs = Document.objects.in_bulk(ids)
    texts = layer_texts(ids)
    for pk in ids:
        highlight(docs[pk], texts.get(pk, []), results.parsed)
    matched = results.matched.values("pk")
    list(Document.objects.filter(pk__in=matched).values("doc_type").annotate(n=Count("pk")))
    list(Document.objects.filter(pk__in=matched).values("decade").annotate(n=Count("pk")))
    ENGINE_CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started


def request_once(client, params: dict) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get("/search/", params)
    elapsed = time.perf_counter() - started
    CPU.append(time.process_time() - cpu)
    assert response.status_code == 200, (params, response.status_code)
    return elapsed


def measure(label: str) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from chancery.corpus.models import Document

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    queries = [resolve(q) for q in QUERIES]
    for q in queries:  # warm caches once
        engine_once(q)
        request_once(client, q)
    engine, request = [], []
    CPU.clear()
    ENGINE_CPU.clear()
    for _ in range(REPEAT):
        for q in queries:
            engine.append(engine_once(q))
            request.append(request_once(client, q))

    def pct(values, p):
        return statistics.quantiles(values, n=100)[p - 1] * 1000

    row = {
        "size": label,
        "documents": Document.objects.count(),
        "engine_p50": pct(engine, 50),
        "engine_p95": pct(engine, 95),
        "request_p50": pct(request, 50),
        "request_p95": pct(request, 95),
        "sqlite": connection.Database.sqlite_version,
        "engine_cpu_p50": pct(ENGINE_CPU, 50),
        "engine_cpu_p95": pct(ENGINE_CPU, 95),
        "request_cpu_p50": pct(CPU, 50),
        "request_cpu_p95": pct(CPU, 95),
        "load": os.getloadavg()[0],
    }
    slowest = sorted(zip(request, [str(q) for q in queries * REPEAT], strict=True))[-3:]
    row["slowest"] = [(f"{t * 1000:.0f} ms", q) for t, q in slowest]
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description="Search speed benchmark.")
    parser.add_argument("--sizes", default="real,200000")
    parser.add_argument("--frus", default=str(ROOT.parent / "shared" / "corpora" / "frus"))
    parser.add_argument(
        "--home", default=str(Path(tempfile.gettempdir()) / "chancery-bench-search")
    )
    args = parser.parse_args()
    size = args.sizes.split(",")[0]
    if len(args.sizes.split(",")) > 1:
        # One process per size: Django is set up once per process.
        import subprocess

        for s in args.sizes.split(","):
            command = [sys.executable, __file__, "--sizes", s, "--frus", args.frus,
                       "--home", args.home]  # fmt: skip
            subprocess.run(command, check=True)  # noqa: S603 — this very script, again
        return 0
    home = Path(args.home) / size
    home.mkdir(parents=True, exist_ok=True)
    setup(home)
    import_real(Path(args.frus))
    if size != "real":
        synthesise(int(size))
    row = measure(size)
    print(
        f"| {row['size']} | {row['documents']} | {row['engine_p50']:.1f} / "
        f"{row['engine_p95']:.1f} | {row['request_p50']:.1f} / {row['request_p95']:.1f} | "
        f"{row['engine_cpu_p50']:.1f} / {row['engine_cpu_p95']:.1f} | "
        f"{row['request_cpu_p50']:.1f} / {row['request_cpu_p95']:.1f} | {row['load']:.1f} |"
    )
    print(f"  slowest requests: {row['slowest']}  (SQLite {row['sqlite']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
