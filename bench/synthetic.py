"""The benchmark's synthetic archive: documents made from the real FRUS volumes.

    .venv/bin/python bench/synthetic.py --documents 200000 --out FILE.jsonl
        [--source HOME] [--seed 7] [--synthetic-only]

writes the archive ``bench/search.py`` builds for a size N as a file Chancery imports
(``chancery import jsonl FILE.jsonl``): the real volumes of the archive in ``--source`` (a
CHANCERY_HOME holding them, read and never written: by default ``bench/search.py``'s
``real`` archive) exported as ``chancery export jsonl`` would, then synthetic documents
until the file holds N, in the project's JSONL export format (version, counts, end line
with the SHA-256; docs/importing.md). ``--synthetic-only`` leaves the real documents out
(the types and collections the synthetic ones name stay in).

A synthetic document: a real document's title and type, three paragraphs of three random
real transcripts, a random date 1850-1950 (four in five to the day, else the year) and
one random real collection; id ``synthetic/N``. ``bench/search.py`` writes the same
documents (the same random stream, draw for draw) straight into its database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Material:
    """What synthetic documents are made of, read once from the real volumes."""

    real: list[tuple[int, str, int]]  # (pk, title, doc_type_id) of the real documents
    paragraphs: list[str]  # HTML paragraphs of the real transcripts, without "</p>"
    collections: list[int]  # ids of the collections real documents are in


def material() -> Material:
    """The real documents' titles, types, paragraphs and collections (Django set up)."""
    from chancery.corpus.models import Document, Membership, Transcript

    real = list(
        Document.objects.filter(public_id__contains="/d")
        .exclude(public_id__startswith="synthetic/")
        .values_list("pk", "title", "doc_type_id")
    )
    paragraphs = []
    originals = Transcript.objects.exclude(document__public_id__startswith="synthetic/")
    for html in originals.order_by("pk").values_list("html", flat=True)[:7000]:
        paragraphs += [p for p in html.split("</p>") if len(p) > 80]
    collections = list(Membership.objects.values_list("collection_id", flat=True).distinct())
    return Material(real, paragraphs, collections)


def stream(have: int, seed: int = 7) -> random.Random:
    """The random stream of an archive that holds ``have`` documents: a build continued
    from a smaller archive draws other documents than the ones it already has."""
    return random.Random(seed if have < 10_000 else seed * 1_000_003 + have)


def batch(rng: random.Random, made_of: Material, start: int, size: int) -> list[dict]:
    """``size`` synthetic documents numbered from ``start``, as plain values: public_id,
    title, doc_type_id, date, date_display, date_earliest, date_latest, decade, html,
    collection_id. Draw order as bench/search.py has always drawn (a document's fields and
    text, then the batch's collections), so an archive built before is built again alike."""
    out = []
    for i in range(size):
        _, title, doc_type = rng.choice(made_of.real)
        year = rng.randint(1850, 1950)
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        precise = rng.random() < 0.8
        out.append({
            "public_id": f"synthetic/{start + i}", "title": title, "doc_type_id": doc_type,
            "date": day.isoformat() if precise else str(year),
            "date_display": day.isoformat() if precise else str(year),
            "date_earliest": day if precise else dt.date(year, 1, 1),
            "date_latest": day if precise else dt.date(year, 12, 31),
            "decade": year // 10 * 10,
            "html": "</p>".join(rng.sample(made_of.paragraphs, 3)) + "</p>",
        })  # fmt: skip
    for document in out:
        document["collection_id"] = rng.choice(made_of.collections)
    return out


def _lines_of(documents: list[dict], types: dict[int, str], collections: dict[int, str],
              published_at: str) -> list[dict]:  # fmt: skip
    """Export lines (docs/importing.md, "JSONL") of synthetic documents."""
    return [
        {
            "type": "document",
            "public_id": d["public_id"],
            "title": d["title"],
            "status": "published",
            "published_at": published_at,
            "doc_type": types.get(d["doc_type_id"]),
            "date": d["date"],
            "date_display": d["date_display"],
            "date_earliest": d["date_earliest"].isoformat(),
            "date_latest": d["date_latest"].isoformat(),
            "decade": d["decade"],
            "memberships": [{"collection": collections[d["collection_id"]], "position": 0}],
            "transcripts": [{"html": d["html"], "label": "Full text", "position": 0}],
        }  # fmt: skip
        for d in documents
    ]


def write_jsonl(out: Path, documents: int, seed: int = 7, real: bool = True) -> dict:
    """Write the archive of ``documents`` documents to ``out`` (Django set up on the source
    archive); returns the counts of lines by type."""
    from collections import Counter

    from django.utils import timezone

    from chancery.corpus.models import Collection, Document, DocumentType
    from chancery.ingest import jsonl
    from chancery.ingest.safefile import atomic_write

    made_of = material()
    types = dict(DocumentType.objects.values_list("pk", "slug"))
    collections = dict(Collection.objects.values_list("pk", "slug"))
    have = Document.objects.count() if real else 0
    if documents < have:
        raise SystemExit(f"--documents {documents}: the real volumes alone hold {have}")
    names = [*jsonl.TYPES, "sourcekey", "review", "relation", *jsonl.history.KINDS]
    counts = Counter({name: 0 for name in names})
    before = list(jsonl.TYPES)[: list(jsonl.TYPES).index("document") + 1]
    digest = hashlib.sha256()
    published_at = timezone.now().isoformat()

    def emit(body, line: dict) -> None:
        data = jsonl._encode(line)
        body.write(data)
        digest.update(data)
        counts[line["type"]] += 1

    def synthetic(body) -> None:
        rng, n, begun = stream(have, seed), have, time.perf_counter()
        while n < documents:
            size = min(5000, documents - n)
            for line in _lines_of(batch(rng, made_of, n, size), types, collections, published_at):
                emit(body, line)
            n += size
            rate = (n - have) / (time.perf_counter() - begun)
            print(f"  {n} documents ({rate:.0f}/s)", file=sys.stderr, flush=True)

    with tempfile.TemporaryFile(dir=out.parent, prefix=f".{out.name}.") as body:
        done = False
        for line in jsonl.export_records():
            kind = line["type"]
            if not done and kind not in before:
                synthetic(body)  # after the real documents, before what refers to them
                done = True
            if kind == "document" and not real:
                continue
            if not real and kind not in jsonl.TYPES:
                continue  # the real documents' history, source keys, reviews: left out
            emit(body, line)
        if not done:
            synthetic(body)
        header = {"type": jsonl.HEADER, "version": jsonl.VERSION,
                  "exported_at": timezone.now().isoformat(), "counts": dict(counts)}  # fmt: skip
        end = {"type": jsonl.END, "counts": dict(counts), "records": counts.total(),
               "sha256": digest.hexdigest()}  # fmt: skip
        with atomic_write(out, "wb") as f:
            f.write(jsonl._encode(header))
            body.seek(0)
            while chunk := body.read(1 << 20):
                f.write(chunk)
            f.write(jsonl._encode(end))
    return dict(counts)


def write_csv(out: Path, documents: int, seed: int = 7, real: bool = True) -> dict:
    """The same archive as a spreadsheet (``chancery import csv``; docs/importing.md, "CSV"):
    the real documents as ``chancery export csv`` writes them (their people, places and
    subjects by name; one transcript, no history), then the synthetic ones (title, date,
    type, collection path, transcript). Returns {"document": rows}."""
    import csv

    from chancery.corpus.models import Collection, Document, DocumentType
    from chancery.ingest import csvexport
    from chancery.ingest.csvfile import COLUMNS, neutralise
    from chancery.ingest.safefile import atomic_write

    made_of = material()
    types = dict(DocumentType.objects.values_list("pk", "name"))
    paths = {c.pk: csvexport._path(c) for c in Collection.objects.all()}
    have = Document.objects.count() if real else 0
    if documents < have:
        raise SystemExit(f"--documents {documents}: the real volumes alone hold {have}")
    with atomic_write(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        if real:
            originals = Document.objects.select_related("doc_type", "rights", "attached_to")
            originals = originals.prefetch_related(
                *(r for r, _ in csvexport.MANY.values()), "collections"
            )
            for doc in originals.order_by("pk").iterator(chunk_size=500):
                row = csvexport.document_row(doc)
                writer.writerow({k: neutralise(v) for k, v in row.items()})
        rng, n, begun = stream(have, seed), have, time.perf_counter()
        while n < documents:
            size = min(5000, documents - n)
            for d in batch(rng, made_of, n, size):
                row = {
                    "public_id": d["public_id"], "title": d["title"], "date": d["date"],
                    "type": types.get(d["doc_type_id"], ""), "status": "published",
                    "collections": paths[d["collection_id"]], "transcript": d["html"],
                }  # fmt: skip
                writer.writerow({k: neutralise(v) for k, v in row.items()})
            n += size
            rate = (n - have) / (time.perf_counter() - begun)
            print(f"  {n} documents ({rate:.0f}/s)", file=sys.stderr, flush=True)
    return {"document": n}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, required=True, help="documents in the file")
    parser.add_argument(
        "--out", required=True, help="the file to write: FILE.jsonl (an export) or FILE.csv"
    )
    parser.add_argument(
        "--source",
        default=str(Path(tempfile.gettempdir()) / "chancery-bench-search" / "real"),
        help="a CHANCERY_HOME holding the real volumes (read only; bench/search.py "
        "--sizes real --build-only makes one)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--synthetic-only", action="store_true", help="leave the real out")
    args = parser.parse_args()
    source = Path(args.source)
    if not (source / "chancery.sqlite3").exists():
        parser.error(f"--source {source}: no chancery.sqlite3 (an archive of the real volumes)")
    os.environ["CHANCERY_HOME"] = str(source)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    import django

    django.setup()  # no migrate: the source is only read
    started = time.perf_counter()
    write = write_csv if args.out.endswith(".csv") else write_jsonl
    counts = write(Path(args.out), args.documents, args.seed, not args.synthetic_only)
    print(f"{args.out}: {counts['document']} documents, {sum(counts.values())} lines, "
          f"{Path(args.out).stat().st_size / 1e6:.0f} MB in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
