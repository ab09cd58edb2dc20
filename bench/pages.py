"""Every public page a reader opens: p50/p95 wall and CPU time, SQL queries, size.

    nice -n 5 .venv/bin/python bench/pages.py --home /tmp/chancery-bench-search/real
        [--repeat 20] [--only people,chronology] [--profile /chronology/]

In-process, through Django's test client (no HTTP, no gunicorn): the time is the view,
its queries and its templates. The archive is any CHANCERY_HOME (bench/search.py builds
the twelve FRUS volumes as ``real`` and the synthetic 200,000 as ``200000``). The pages are
picked from what the archive holds: the person, place, subject, collection and type with the
most published documents, the letter with the most people, the year with the most
documents, its busiest month, and the record with the longest transcript. Each page is
requested once to warm up, then ``--repeat`` times; the table gives wall-clock p50/p95,
this process's CPU time p50/p95 (SQLite's work included; other jobs on a shared machine do
not inflate it), the SQL queries of one request, and the page's size.

``--profile PATH`` prints cProfile's top 30 of one request instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from archive import setup


def pages() -> list[tuple[str, str]]:
    """(label, path) of every public page worth timing in this archive."""
    from django.db.models import Count, Q
    from django.db.models.functions import Length, Substr, Upper

    from chancery.corpus import models

    published = models.Document.PUBLISHED
    found: list[tuple[str, str]] = [
        ("home", "/"),
        ("search page, empty", "/search/"),
        ("search: treaty", "/search/?q=treaty"),
        ("people", "/people/"),
    ]
    letter = (
        models.Agent.objects.annotate(initial=Upper(Substr("sort_key", 1, 1)))
        .values("initial")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if letter:
        initial = letter["initial"]
        found.append((f"people, letter {initial}", f"/people/?letter={initial}"))
    for label, model, relation in (
        ("person", models.Agent, "mentioned_in"),
        ("place", models.Place, "documents"),
        ("subject", models.Subject, "documents"),
    ):
        if label == "place":
            found.append(("places", "/places/"))
        if label == "subject":
            found.append(("subjects", "/subjects/"))
        busiest = (
            model.objects.annotate(
                n=Count(relation, filter=Q(**{f"{relation}__status": published}))
            )
            .order_by("-n")
            .first()
        )
        if busiest is not None:
            found.append((f"{label} ({busiest.n} documents)", busiest.get_absolute_url()))
    found.append(("collections", "/collections/"))
    volume = models.Collection.objects.annotate(n=Count("membership")).order_by("-n").first()
    if volume is not None:
        found.append((f"collection ({volume.n} documents)", volume.get_absolute_url()))
        found.append(("collection contents", f"{volume.get_absolute_url()}contents/"))
    found.append(("chronology", "/chronology/"))
    dated = models.Document.objects.published().filter(date_earliest__isnull=False)
    year = dated.values("date_earliest__year").annotate(n=Count("pk")).order_by("-n").first()
    if year:
        y = year["date_earliest__year"]
        found.append((f"chronology {y}", f"/chronology/{y}/"))
        month = (
            dated.filter(date_earliest__year=y)
            .values("date_earliest__month")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        found.append((f"chronology {y}/{month['date_earliest__month']}",
                      f"/chronology/{y}/{month['date_earliest__month']}/"))  # fmt: skip
    found.append(("types", "/types/"))
    doc_type = models.DocumentType.objects.annotate(n=Count("document")).order_by("-n").first()
    if doc_type is not None:
        found.append((f"type ({doc_type.n} documents)", f"/type/{doc_type.slug}/"))
    longest = (
        models.Transcript.objects.filter(document__status=published)
        .annotate(size=Length("html"))
        .order_by("-size")
        .values_list("document__public_id", "size")
        .first()
    )
    if longest:
        found.append((f"record, {longest[1] // 1024} KB text", f"/document/{longest[0]}/"))
    found.append(("about", "/about/"))
    return found


def measure(client, path: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)  # warm up
    if response.status_code != 200:
        return {"status": response.status_code}
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(path)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)

    def p95(values):
        values = sorted(values)
        return values[min(len(values) - 1, int(0.95 * len(values)))]

    return {
        "status": 200,
        "wall": (statistics.median(walls), p95(walls)),
        "cpu": (statistics.median(cpus), p95(cpus)),
        "queries": len(queries),
        "kb": len(response.content) / 1024,
    }


def profile(client, path: str) -> None:
    import cProfile
    import pstats

    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="CHANCERY_HOME of the archive")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated words a label must hold")
    parser.add_argument("--profile", metavar="PATH", help="profile one request of PATH")
    args = parser.parse_args()
    setup(args.home, migrate=False)
    from django.test import Client

    client = Client()
    if args.profile:
        profile(client, args.profile)
        return 0
    from chancery.corpus.models import Document

    wanted = [w for w in args.only.split(",") if w]
    load = os.getloadavg()[0]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    documents = Document.objects.published().count()
    print(f"{documents:,} published documents, load average {load:.1f}, {when}")
    print("| page | path | wall p50 / p95 ms | CPU p50 / p95 ms | queries | KB |")
    print("|---|---|---|---|---|---|")
    worst = 0.0
    for label, path in pages():
        if wanted and not any(w in label for w in wanted):
            continue
        row = measure(client, path, args.repeat)
        if row["status"] != 200:
            print(f"| {label} | `{path}` | status {row['status']} | | | |", flush=True)
            continue
        worst = max(worst, row["wall"][1])
        print(f"| {label} | `{path}` | {row['wall'][0]:.1f} / {row['wall'][1]:.1f} | "
              f"{row['cpu'][0]:.1f} / {row['cpu'][1]:.1f} | {row['queries']} | "
              f"{row['kb']:.0f} |", flush=True)  # fmt: skip
    print(f"slowest p95 {worst:.1f} ms; load average now {os.getloadavg()[0]:.1f}",
          file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
