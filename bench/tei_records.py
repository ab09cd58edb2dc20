"""Count what the TEI importer makes of the twelve FRUS volumes, without a database:
undated documents, titles "Document None: …" and "[Untitled]", and the import notes that
explain an inferred date. ``python bench/tei_records.py [FOLDER]`` (default: the shared
corpus). Recorded in bench/README.md ("Better records from TEI")."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
os.environ.setdefault("CHANCERY_HOME", tempfile.mkdtemp(prefix="chancery-bench-tei-"))

import django  # noqa: E402

django.setup()

from chancery.ingest.records import DocumentRecord  # noqa: E402
from chancery.ingest.tei import VolumeReader  # noqa: E402

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "frus"


def main(folder: Path) -> None:
    totals = {"documents": 0, "undated": 0, "Document None": 0, "[Untitled]": 0, "inferred": 0}
    print(f"{'volume':24} {'docs':>5} {'undated':>8} {'None':>5} {'Untitled':>8} {'inferred':>8}")
    for path in sorted(folder.glob("*.xml")):
        reader = VolumeReader(path)
        row = dict.fromkeys(totals, 0)
        for item in reader:
            if not isinstance(item, DocumentRecord):
                continue
            row["documents"] += 1
            row["undated"] += not item.date
            row["Document None"] += item.title.startswith("Document None")
            row["[Untitled]"] += "[Untitled]" in item.title
        inferred = getattr(reader.volume, "inferred_dates", [])  # each an import note
        row["inferred"] = sum(" read from the " in n for n in inferred)
        for key in totals:
            totals[key] += row[key]
        print(f"{path.stem:24} {row['documents']:5} {row['undated']:8} "
              f"{row['Document None']:5} {row['[Untitled]']:8} {row['inferred']:8}")  # fmt: skip
    t = totals
    print(f"{'total':24} {t['documents']:5} {t['undated']:8} "
          f"{t['Document None']:5} {t['[Untitled]']:8} {t['inferred']:8}")  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER)
