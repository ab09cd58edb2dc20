"""The archive's documents as a spreadsheet in the import column set (docs/importing.md).

Lossy by design (one transcript and one translation per row, no files, no timestamps):
for backups and moves use the JSONL export. A cell that starts like a formula (``=``,
``+``, ``-``, ``@``, tab, CR) is written with a leading ``'`` so a spreadsheet shows it
as text; ``chancery import csv`` removes that quote again, so the round trip is exact.
"""

from __future__ import annotations

import csv
from pathlib import Path

from chancery.corpus import models as corpus
from chancery.corpus.models import DESCRIPTIONS

from .csvfile import COLUMNS, neutralise
from .safefile import atomic_write

#: Column -> (relation, the field a cell names its records by).
MANY = {
    **{name: (name, "code" if name == "languages" else "name") for name in DESCRIPTIONS},
    "related": ("related", "public_id"),
}


def _path(collection: corpus.Collection) -> str:
    return " > ".join(c.title.replace(">", "›") for c in [*collection.ancestors(), collection])


def document_row(doc: corpus.Document) -> dict:
    row = {
        "public_id": doc.public_id, "title": doc.title, "date": doc.date,
        "summary": doc.summary, "source": doc.source,
        "type": doc.doc_type.name if doc.doc_type else "",
        "rights": doc.rights.name if doc.rights else "",
        "attached_to": doc.attached_to.public_id if doc.attached_to else "",
        "status": doc.status,
        "collections": "|".join(_path(c) for c in doc.collections.all()),
    }  # fmt: skip
    for column, (relation, attr) in MANY.items():
        row[column] = "|".join(getattr(o, attr) for o in getattr(doc, relation).all())
    for kind in ("transcript", "translation"):
        text = getattr(doc, f"{kind}s").first()
        row[kind] = text.html if text else ""
        row[f"{kind}_language"] = text.language_id if text and text.language_id else ""
    return row


def export_csv(out: Path) -> int:
    documents = corpus.Document.objects.select_related("doc_type", "rights", "attached_to")
    documents = documents.prefetch_related(*(r for r, _ in MANY.values()), "collections")
    n = 0
    with atomic_write(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        for doc in documents.order_by("pk").iterator(chunk_size=500):
            writer.writerow({k: neutralise(v) for k, v in document_row(doc).items()})
            n += 1
    return n
