"""People and places pages with 10,000 records each, in-process (Django test client).

    nice -n 10 .venv/bin/python bench/authority_pages.py [--records 10000] [--home DIR]

Bulk-creates N people and N places (surnames and initials spread over the alphabet, some
with accents), 20,000 published documents each naming two people and one place, then
measures (median of 20 requests, after one warm-up) the first page of /people/ and
/places/, a letter, a name filter, a deep page, and one person page, with the number of
SQL queries each runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from archive import setup

SURNAMES = ["Ávila", "Baker", "Balfour", "Conger", "Dulles", "Éboué", "Fish", "Gerolt", "Hay",
            "Ito", "Jay", "Kung", "Li", "Motley", "Nolan", "Ōkuma", "Pichon", "Quincy", "Root",
            "Seward", "Tardieu", "Urquhart", "Vance", "Wilson", "Xu", "Yuan", "Zhou"]  # fmt: skip


def build(n: int) -> None:
    from django.utils import timezone

    from chancery.corpus import models
    from chancery.corpus.names import sort_key

    agents = []
    for i in range(n):
        name = f"{SURNAMES[i % len(SURNAMES)]}{i // len(SURNAMES)}, Person"
        agents.append(models.Agent(name=name, slug=f"p{i}", sort_key=sort_key(name)))
    models.Agent.objects.bulk_create(agents, batch_size=1000)
    places = []
    for i in range(n):
        name = f"{SURNAMES[(i * 7) % len(SURNAMES)]}ville {i}"
        places.append(models.Place(name=name, slug=f"pl{i}", sort_key=sort_key(name, "place")))
    models.Place.objects.bulk_create(places, batch_size=1000)
    agent_ids = list(models.Agent.objects.values_list("pk", flat=True))
    place_ids = list(models.Place.objects.values_list("pk", flat=True))
    now = timezone.now()
    docs = [
        models.Document(
            public_id=f"b/{i}",
            title=f"Telegram {i}",
            status="published",
            published_at=now,
            date="1900-01-01",
        )  # fmt: skip
        for i in range(2 * n)
    ]
    for d in docs:
        d.apply_date()
    models.Document.objects.bulk_create(docs, batch_size=1000)
    doc_ids = list(models.Document.objects.values_list("pk", flat=True))
    people = models.Document.people.through
    where = models.Document.places.through
    people.objects.bulk_create(
        [people(document_id=d, agent_id=agent_ids[(k * 2 + j) % n])
         for k, d in enumerate(doc_ids) for j in range(2)], batch_size=2000,
    )  # fmt: skip
    where.objects.bulk_create(
        [where(document_id=d, place_id=place_ids[k % n]) for k, d in enumerate(doc_ids)],
        batch_size=2000,
    )


def measure(client, url: str, params: dict) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)
    times, cpu = [], []
    for _ in range(20):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return statistics.median(times), statistics.median(cpu), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="chancery-bench-authority-"))
    setup(home)
    from django.test import Client

    from chancery.corpus import models

    if not models.Agent.objects.exists():
        start = time.perf_counter()
        build(args.records)
        print(f"built {args.records} people and places in {time.perf_counter() - start:.1f} s")
    client = Client()
    person = models.Agent.objects.order_by("pk").first()
    cases = [
        ("/people/", {}), ("/people/", {"letter": "W"}), ("/people/", {"name": "wilson1"}),
        ("/people/", {"page": 50}), ("/places/", {}), ("/places/", {"letter": "H"}),
        (person.get_absolute_url(), {}),
    ]  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| page | median wall ms | median CPU ms (SQLite included) | queries |")
    print("|---|---|---|---|")
    for url, params in cases:
        ms, cpu, queries = measure(client, url, params)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        print(f"| `{url}{'?' + query if query else ''}` | {ms:.0f} | {cpu:.0f} | {queries} |")


if __name__ == "__main__":
    main()
