"""Relevance benchmark: Chancery's search against plain SQLite FTS5 bm25 on title + text.

    CHANCERY_HOME=/tmp/bench .venv/bin/python bench/relevance/run.py [--frus DIR]

Imports the shared FRUS volumes into $CHANCERY_HOME (once), builds graded judgments from
``queries.json`` (each query's rule, over every document's title and text: see README),
runs every query through Chancery and through a plain FTS5 table (title, text; bm25;
any word / all words), and prints nDCG@10, P@10, R@100 and MRR overall and per kind.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CHANCERY_HOME", tempfile.mkdtemp(prefix="chancery-relevance-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")


def setup(frus: Path):
    import django

    django.setup()
    from django.core.management import call_command

    from chancery.corpus.models import Document

    call_command("migrate", verbosity=0)
    if not Document.objects.exists():
        files = sorted(str(p) for p in frus.glob("*.xml"))
        call_command("import", "tei", *files, "--no-progress", verbosity=0)


def corpus() -> dict[int, tuple[str, str]]:
    from chancery.corpus.models import Document
    from chancery.corpus.sanitize import html_to_text

    docs = {}
    for d in Document.objects.published().prefetch_related("translations", "transcripts"):
        text = " ".join(html_to_text(t.html) for t in [*d.translations.all(), *d.transcripts.all()])
        docs[d.pk] = (d.title, f"{d.summary} {text}")
    return docs


def judge(query: dict, docs) -> dict[int, int]:
    groups = [[re.compile(p, re.I) for p in group] for group in query["rule"]]
    grades = {}
    for pk, (title, text) in docs.items():
        full = f"{title} {text}"
        if not all(any(p.search(full) for p in group) for group in groups):
            continue
        in_title = any(p.search(title) for group in groups for p in group)
        mentions = sum(len(p.findall(full)) for p in groups[0])
        grades[pk] = 2 if in_title or mentions >= 3 else 1
    return grades


def baseline_index(docs) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE plain USING fts5(title, text, tokenize='porter unicode61')")
    db.executemany("INSERT INTO plain(rowid, title, text) VALUES (?, ?, ?)",
                   [(pk, t, x) for pk, (t, x) in docs.items()])  # fmt: skip
    return db


def baseline(db, text: str, mode: str, k: int = 100) -> list[int]:
    parts = [" ".join(re.findall(r"\w+", p)) for p in re.findall(r'"([^"]*)"|(\S+)', text)
             for p in p if p]  # fmt: skip
    parts = [f'"{p}"' for p in parts if p and p not in ("OR", "AND", "NOT")]
    if not parts:
        return []
    expr = (" OR " if mode == "any" else " AND ").join(parts)
    rows = db.execute(
        "SELECT rowid FROM plain WHERE plain MATCH ? ORDER BY bm25(plain) LIMIT ?", (expr, k)
    )
    return [r[0] for r in rows]


def chancery(text: str, k: int = 100) -> list[int]:
    from chancery.search.backends import get_backend
    from chancery.search.query import SearchQuery

    results = get_backend().search(SearchQuery(text=text))
    results.count()  # lets a query with no document having every word fall back
    return [pk for pk, _, _ in results._ranked(0, k)]


def metrics(ranked: list[int], grades: dict[int, int]) -> dict[str, float]:
    gains = [2 ** grades.get(pk, 0) - 1 for pk in ranked[:10]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    relevant = [pk for pk in ranked if grades.get(pk)]
    first = next((i for i, pk in enumerate(ranked) if grades.get(pk)), None)
    return {
        "nDCG@10": dcg / idcg if idcg else 0.0,
        "P@10": sum(1 for pk in ranked[:10] if grades.get(pk)) / 10,
        "R@100": len([pk for pk in relevant if pk in ranked[:100]]) / len(grades) if grades else 0,
        "MRR": 1 / (first + 1) if first is not None else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frus", default=str(ROOT.parent / "shared" / "corpora" / "frus"))
    args = parser.parse_args()
    setup(Path(args.frus))
    docs = corpus()
    queries = json.loads((HERE / "queries.json").read_text())
    db = baseline_index(docs)
    systems = {
        "Chancery": chancery,
        "FTS5 bm25, any word": lambda q: baseline(db, q, "any"),
        "FTS5 bm25, all words": lambda q: baseline(db, q, "all"),
    }
    table: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    qrels = {}
    per_query = ["kind     judged nDCG@10 (Chancery, any, all)  query"]
    for query in queries:
        grades = judge(query, docs)
        qrels[query["query"]] = {str(pk): g for pk, g in grades.items()}
        if not grades:
            print(f"warning: no relevant document for {query['query']!r}", file=sys.stderr)
            continue
        scores = []
        for name, run in systems.items():
            m = metrics(run(query["query"]), grades)
            table[name][query["kind"]].append(m)
            table[name]["all"].append(m)
            scores.append(f"{m['nDCG@10']:.2f}")
        per_query.append(f"{query['kind']:8} {len(grades):5} {' '.join(scores)}  {query['query']}")
    (HERE / "qrels.generated.json").write_text(json.dumps(qrels, indent=0))
    (HERE / "per_query.txt").write_text("\n".join(per_query) + "\n")
    kinds = ["all", *sorted({q["kind"] for q in queries})]
    per_kind = ", ".join(f"{k}: {len(table['Chancery'][k])}" for k in kinds[1:])
    lines = [f"{len(docs)} documents, {len(queries)} queries ({per_kind}).", ""]
    lines.append("| system | kind | nDCG@10 | P@10 | R@100 | MRR |")
    lines.append("|---|---|---|---|---|---|")
    for name in systems:
        for kind in kinds:
            rows = table[name][kind]
            avg = {m: sum(r[m] for r in rows) / len(rows) for m in rows[0]}
            lines.append(f"| {name} | {kind} | {avg['nDCG@10']:.3f} | {avg['P@10']:.3f} | "
                         f"{avg['R@100']:.3f} | {avg['MRR']:.3f} |")  # fmt: skip
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
