"""OAI-PMH and discovery speed on a synthetic archive, in-process (Django test client, no HTTP).

    nice -n 10 .venv/bin/python bench/oai.py [--sizes 10000,100000] [--home DIR]

For each size it bulk-creates N published documents (with collections, subjects, places,
creators, languages) in its own CHANCERY_HOME, then measures:

- a full ListIdentifiers harvest through every resumption token (pages of 100): total time,
  p50/p95 per page;
- 20 ListRecords pages (oai_dc and mods) starting from the middle of the archive;
- GetRecord; the sitemap index and one full documents sitemap page (10,000 URLs);
- the newest-documents Atom feed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from archive import setup, telegrams


def build(n: int) -> None:

    from chancery.corpus import models

    kinds = [models.DocumentType.objects.create(name=f"Type {i}") for i in range(5)]
    top = [models.Collection.objects.create(title=f"Series {i}") for i in range(4)]
    colls = top + [
        models.Collection.objects.create(title=f"Volume {i}", parent=top[i % 4]) for i in range(20)
    ]
    subjects = [models.Subject.objects.create(name=f"Subject {i}") for i in range(50)]
    places = [models.Place.objects.create(name=f"Place {i}") for i in range(30)]
    agents = [models.Agent.objects.create(name=f"Person {i}") for i in range(100)]
    lang = models.Language.objects.get_or_create(code="eng", defaults={"name": "English"})[0]
    D = models.Document
    for docs in telegrams(n, lambda i: {"doc_type": kinds[i % 5]}):
        models.Membership.objects.bulk_create(
            models.Membership(collection=colls[4 + d.pk % 20], document=d, position=d.pk)
            for d in docs
        )
        for field, pool in (("subjects", subjects), ("places", places), ("creators", agents)):
            through = getattr(D, field).through
            target = through._meta.get_field(field[:-1] if field != "creators" else "agent")
            through.objects.bulk_create(
                through(document=d, **{target.name: pool[d.pk % len(pool)]}) for d in docs
            )
        D.languages.through.objects.bulk_create(
            D.languages.through(document=d, language=lang) for d in docs
        )


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000, result


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def run(n: int) -> dict:
    from django.test import Client
    from lxml import etree

    from chancery.corpus.models import Document
    from chancery.oai.tokens import Cursor

    ns = {"o": "http://www.openarchives.org/OAI/2.0/"}
    client = Client()

    def get(**params):
        response = client.get("/oai", params)
        assert response.status_code == 200
        return etree.fromstring(response.content)

    out = {}
    pages, total_ids, token = [], 0, None
    t0 = time.perf_counter()
    while True:
        params = {"resumptionToken": token} if token else {"metadataPrefix": "oai_dc"}
        ms, root = timed(lambda p=params: get(verb="ListIdentifiers", **p))
        pages.append(ms)
        total_ids += len(root.findall(".//o:header", ns))
        token = root.findtext(".//o:resumptionToken", namespaces=ns)
        if not token:
            break
    assert total_ids == n, (total_ids, n)
    out["ListIdentifiers full harvest (s)"] = round(time.perf_counter() - t0, 1)
    out["ListIdentifiers page p50/p95 (ms)"] = (
        f"{statistics.median(pages):.0f} / {pct(pages, 0.95):.0f}"
    )

    middle = Document.objects.order_by("updated_at", "public_id")[n // 2]
    for prefix in ("oai_dc", "mods"):
        token = Cursor(
            "ListRecords", prefix, None, None, None, (middle.updated_at, middle.public_id)
        ).encode()
        times = []
        for _ in range(20):
            ms, root = timed(lambda t=token: get(verb="ListRecords", resumptionToken=t))
            times.append(ms)
            token = root.findtext(".//o:resumptionToken", namespaces=ns)
        out[f"ListRecords {prefix} page of 100, p50/p95 (ms)"] = (
            f"{statistics.median(times):.0f} / {pct(times, 0.95):.0f}"
        )
    ident = f"oai:archive.example.org:{middle.public_id}"
    times = [
        timed(lambda: get(verb="GetRecord", identifier=ident, metadataPrefix="mods"))[0]
        for _ in range(10)
    ]
    out["GetRecord mods p50 (ms)"] = f"{statistics.median(times):.0f}"
    out["sitemap.xml index (ms)"] = f"{timed(lambda: client.get('/sitemap.xml'))[0]:.0f}"
    out["sitemap-documents.xml?p=1, 10,000 URLs (ms)"] = (
        f"{timed(lambda: client.get('/sitemap-documents.xml?p=1'))[0]:.0f}"
    )
    times = [timed(lambda: client.get("/feed/"))[0] for _ in range(5)]
    out["/feed/ newest 50 p50 (ms)"] = f"{statistics.median(times):.0f}"
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--home", default=None)
    args = parser.parse_args()
    for size in [int(s) for s in args.sizes.split(",")]:
        home = Path(args.home or tempfile.mkdtemp(prefix="chancery-bench-oai-")) / str(size)
        home.mkdir(parents=True, exist_ok=True)
        # One archive per process: Django is set up once, so run one size per invocation
        # when sizes differ.
        setup(home)
        ms, _ = timed(lambda s=size: build(s))
        print(f"## {size} documents (built in {ms / 1000:.0f} s)")
        for key, value in run(size).items():
            print(f"| {key} | {value} |")
        break


if __name__ == "__main__":
    main()
