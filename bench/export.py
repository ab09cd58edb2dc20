"""Search exports of a large result set: time and peak memory, in-process (test client).

    nice -n 10 .venv/bin/python bench/export.py [--n 100000] [--formats jsonl,csv,zip]
        [--home DIR --no-build]

Builds N published synthetic documents (collections two levels deep, a type, a creator, a
language and a 1.5 KB English translation each) in a fresh CHANCERY_HOME, then exports the
search of everything in each format, each in a fresh child process so its peak memory
(max RSS) is its own: the process's RSS after Django starts and answers one search, then the
peak while streaming the export (read through and counted, as a client would).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from archive import setup, telegrams

TEXT = "<p>" + "The minister reports on the negotiations over the treaty at Peking. " * 22 + "</p>"


def build(n: int) -> None:

    from chancery.corpus import models

    kind = models.DocumentType.objects.create(name="Telegram")
    top = [
        models.Collection.objects.create(title=f"Volume {i}", publisher="GPO", pub_year="1902")
        for i in range(4)
    ]
    chapters = [
        models.Collection.objects.create(title=f"Chapter {i}", parent=top[i % 4]) for i in range(40)
    ]
    agents = [models.Agent.objects.create(name=f"Person {i}") for i in range(100)]
    lang = models.Language.objects.get_or_create(code="eng", defaults={"name": "English"})[0]
    D = models.Document

    def printed(i: int) -> dict:
        return {"doc_type": kind, "number": str(i % 900 + 1), "page_start": str(i % 700 + 1)}

    for docs in telegrams(n, printed):
        models.Membership.objects.bulk_create(
            models.Membership(collection=chapters[d.pk % 40], document=d, position=d.pk)
            for d in docs
        )
        D.creators.through.objects.bulk_create(
            D.creators.through(document=d, agent=agents[d.pk % 100]) for d in docs
        )
        D.languages.through.objects.bulk_create(
            D.languages.through(document=d, language=lang) for d in docs
        )
        models.Translation.objects.bulk_create(
            models.Translation(document=d, html=TEXT, language=lang) for d in docs
        )


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export(fmt: str) -> dict:
    from django.test import Client

    client = Client()
    assert client.get("/search/", {"per_page": 10}).status_code == 200
    before = rss_mib()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/search/export.{fmt}")
    assert response.status_code == 200, response.content[:300]
    size = chunks = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        chunks += 1
    return {
        "format": fmt, "records": int(response["X-Export-Records"]), "bytes": size,
        "chunks": chunks, "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(time.process_time() - cpu, 1), "rss_before_mib": round(before, 1),
        "peak_rss_mib": round(rss_mib(), 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--formats", default="jsonl,csv,bib,ris,zip")
    parser.add_argument("--home")
    parser.add_argument("--no-build", action="store_true", help="reuse the archive in --home")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup(args.home, migrate=False, CHANCERY_SEARCH_TIMEOUT="0")
        print(json.dumps(export(args.child)))
        return
    home = args.home or tempfile.mkdtemp(prefix="chancery-export-bench-")
    setup(home, CHANCERY_SEARCH_TIMEOUT="0")
    if not args.no_build:
        started = time.perf_counter()
        build(args.n)
        print(f"built {args.n:,} documents in {time.perf_counter() - started:.0f} s ({home})")
    for fmt in args.formats.split(","):
        out = subprocess.run(  # noqa: S603 - this script, with its own arguments
            [sys.executable, __file__, "--home", home, "--child", fmt, "--n", str(args.n)],
            capture_output=True, text=True, check=True,
            env={**os.environ, "CHANCERY_EXPORT_MAX_RECORDS": str(max(args.n, 1))},
        )  # fmt: skip
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
