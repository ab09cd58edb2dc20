"""Relevance benchmark: Chancery's search against plain SQLite FTS5 bm25 on title + text.

    CHANCERY_HOME=/tmp/relevance-home .venv/bin/python bench/relevance/run.py
    run.py --merge /tmp/relevance-judgments      # readers' qNN.tsv -> judgments.tsv, checked
    run.py --write-run RUN.json                  # Chancery's top 100 a query, for pool.py
    run.py --rules                               # the old regex-rule judgments instead

Imports the shared FRUS volumes into $CHANCERY_HOME if it is empty, runs every query of
``queries.json`` through Chancery (whatever CHANCERY_SEARCH_BACKEND selects) and through a
plain FTS5 table (title, text; bm25; any word / all words), scores them against the read
judgments in ``judgments.tsv`` (grades 0-3, see README), and prints nDCG@10, P@10, R@100 and
MRR overall and per kind, with the share of each system's top 10 that was judged.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

from archive import (
    HERE,
    backend_name,
    baseline_index,
    baseline_run,
    chancery_run,
    corpus,
    queries,
    rule_patterns,
    setup,
)

JUDGMENTS = HERE / "judgments.tsv"
RELEVANT = 2  # grade from which a document counts as relevant for P@10, R@100 and MRR
HEADER = "query\tpublic_id\tgrade\tnote"


def read_tsv(path: Path) -> tuple[list[tuple[str, str, int, str]], list[str]]:
    """Rows of a judgments file, and what is wrong with it (file and line named)."""
    rows, errors = [], []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#") or line == HEADER:
            continue
        cells = line.split("\t")
        if len(cells) < 3 or len(cells) > 4:
            errors.append(f"{path}:{n}: expected query<TAB>public_id<TAB>grade<TAB>note")
            continue
        query, public_id, grade, note = (*cells, "")[:4]
        if grade.strip() not in ("0", "1", "2", "3"):
            errors.append(f"{path}:{n}: grade {grade!r} is not 0, 1, 2 or 3")
            continue
        rows.append((query.strip(), public_id.strip(), int(grade), note.strip()))
    return rows, errors


def load_judgments(path: Path = JUDGMENTS) -> dict[str, dict[str, int]]:
    rows, errors = read_tsv(path)
    if errors:
        raise SystemExit("\n".join(errors))
    grades: dict[str, dict[str, int]] = defaultdict(dict)
    for query, public_id, grade, _ in rows:
        grades[query][public_id] = grade
    return grades


def merge(folder: Path, out: Path = JUDGMENTS, split: str = "seen") -> int:
    """Concatenate the readers' per-query files into ``out`` (judgments.tsv), checking them.

    Errors (bad lines, grades, unknown queries or public ids, one document graded twice
    differently) stop the merge; pooled documents left unjudged are listed, and the merge
    is written anyway so that partial work can be scored, but the exit status is 1.
    """
    from chancery.corpus.models import Document

    qs = {q["id"]: q for q in queries(split)}
    pool_file = "pool.json" if split == "seen" else f"pool_{split}.json"
    pool = json.loads((HERE / pool_file).read_text())
    known = set(Document.objects.values_list("public_id", flat=True))
    merged: dict[tuple[str, str], tuple[int, str]] = {}
    errors, warnings = [], []
    for path in sorted(folder.glob("*.tsv")):
        rows, bad = read_tsv(path)
        errors += bad
        for query, public_id, grade, note in rows:
            if query not in qs:
                errors.append(f"{path}: unknown query {query!r}")
            elif public_id not in known:
                errors.append(f"{path}: {query} {public_id!r} is no document of this archive")
            elif merged.get((query, public_id), (grade,))[0] != grade:
                errors.append(f"{path}: {query} {public_id} graded twice differently")
            else:
                merged[query, public_id] = (grade, note)
                if public_id not in pool.get(query, []):
                    warnings.append(f"{query} {public_id}: judged but not pooled (kept)")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"{len(errors)} errors: {out} not written", file=sys.stderr)
        return 1
    missing = {q: [i for i in ids if (q, i) not in merged] for q, ids in pool.items()}
    for q, ids in missing.items():
        if ids:
            warnings.append(f"{q} {qs[q]['query']!r}: {len(ids)} of {len(pool[q])} pooled "
                            f"documents not judged, e.g. {ids[0]}")  # fmt: skip
    lines = [HEADER] + [f"{q}\t{i}\t{g}\t{note}" for (q, i), (g, note) in
                        sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][1]))]  # fmt: skip
    out.write_text("\n".join(lines) + "\n")
    done = sum(1 for q in pool if not missing[q])
    print("\n".join(warnings))
    print(f"{len(merged)} judgments written to {out}; {done} of {len(pool)} queries complete")
    return 0 if done == len(pool) else 1


def rule_grades(query: dict, docs) -> dict[str, int]:
    """The old judgments: 2 when the subject is in the title or named 3+ times, else 1."""
    groups = rule_patterns(query)
    grades = {}
    for pid, doc in docs.items():
        full = doc.full
        if not all(any(p.search(full) for p in group) for group in groups):
            continue
        in_title = any(p.search(doc.title) for group in groups for p in group)
        mentions = sum(len(p.findall(full)) for p in groups[0])
        grades[pid] = 2 if in_title or mentions >= 3 else 1
    return grades


def metrics(ranked: list[str], grades: dict[str, int], judged: set[str]) -> dict[str, float]:
    """nDCG@10 with gain 2^grade - 1; P@10, R@100, MRR with grade >= RELEVANT relevant.

    Unjudged documents count as grade 0 (TREC pooling); "judged@10" is the share of the
    top 10 that was judged at all.
    """
    gains = [2 ** grades.get(i, 0) - 1 for i in ranked[:10]]
    dcg = sum(g / math.log2(n + 2) for n, g in enumerate(gains))
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:10]
    idcg = sum(g / math.log2(n + 2) for n, g in enumerate(ideal))
    relevant = {i for i, g in grades.items() if g >= RELEVANT}
    first = next((n for n, i in enumerate(ranked) if i in relevant), None)
    top = ranked[:10]
    return {
        "nDCG@10": dcg / idcg if idcg else 0.0,
        "P@10": sum(1 for i in top if i in relevant) / 10,
        "R@100": len(relevant & set(ranked[:100])) / len(relevant) if relevant else 0.0,
        "MRR": 1 / (first + 1) if first is not None else 0.0,
        "judged@10": sum(1 for i in top if i in judged) / len(top) if top else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--merge", type=Path, metavar="DIR", help="merge DIR/qNN.tsv files")
    mode.add_argument("--write-run", type=Path, metavar="FILE",
                      help="write Chancery's top 100 per query as JSON")  # fmt: skip
    mode.add_argument("--rules", action="store_true", help="score against the regex rules")
    parser.add_argument("--judgments", type=Path, default=None,
                        help="judgments file read (or written by --merge)")  # fmt: skip
    parser.add_argument("--split", choices=["seen", "unseen"], default="seen",
                        help="queries.json or queries_unseen.json")  # fmt: skip
    args = parser.parse_args()
    if args.judgments is None:
        args.judgments = JUDGMENTS if args.split == "seen" else HERE / "judgments_unseen.tsv"
    setup()
    if args.merge:
        return merge(args.merge, args.judgments, args.split)
    docs = corpus()
    qs = queries(args.split)
    engine = chancery_run(docs)
    if args.write_run:
        args.write_run.write_text(json.dumps({q["id"]: engine(q["query"]) for q in qs}, indent=0))
        print(f"{backend_name()}: top 100 of {len(qs)} queries written to {args.write_run}")
        return 0
    if args.rules:
        source = "regex rules (queries.json), over every document"
        judgments = {q["id"]: rule_grades(q, docs) for q in qs}
    else:
        source = f"read judgments ({args.judgments.name})"
        judgments = load_judgments(args.judgments)
    index = baseline_index(docs)
    systems = {
        "Chancery": engine,
        "FTS5 bm25, any word": baseline_run(index, "any"),
        "FTS5 bm25, all words": baseline_run(index, "all"),
    }
    table: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    per_query = [f"# {source}; nDCG@10 of Chancery ({backend_name()}), FTS5 any, FTS5 all",
                 "id  kind     judged rel  nDCG@10 (Chancery any all)  query"]  # fmt: skip
    skipped, unjudged = [], []
    everything = set(docs)  # the rules judge every document
    for q in qs:
        grades = judgments.get(q["id"], {})
        if not grades:
            unjudged.append(q["id"])
            continue
        if not any(g >= RELEVANT for g in grades.values()):
            skipped.append(f"{q['id']} {q['query']!r}")
            continue
        scores = []
        for name, run in systems.items():
            m = metrics(run(q["query"]), grades, everything if args.rules else set(grades))
            table[name][q["kind"]].append(m)
            table[name]["all"].append(m)
            scores.append(f"{m['nDCG@10']:.2f}")
        rel = sum(1 for g in grades.values() if g >= RELEVANT)
        per_query.append(f"{q['id']} {q['kind']:8} {len(grades):5} {rel:4}  "
                         f"{' '.join(scores)}  {q['query']}")  # fmt: skip
    suffix = "" if args.split == "seen" else f"_{args.split}"
    (HERE / f"per_query{suffix}.txt").write_text("\n".join(per_query) + "\n")
    if unjudged:
        print(f"not judged yet: {' '.join(unjudged)}", file=sys.stderr)
    if skipped:
        print(f"not scored (no document graded {RELEVANT}+): {', '.join(skipped)}", file=sys.stderr)
    scored = table["Chancery"]["all"]
    if not scored:
        print("no query has judgments yet", file=sys.stderr)
        return 1
    kinds = ["all", *sorted({q["kind"] for q in qs} & set(table["Chancery"]))]
    per_kind = ", ".join(f"{k}: {len(table['Chancery'][k])}" for k in kinds[1:])
    lines = [
        f"{len(docs)} documents, {len(scored)} queries scored ({per_kind}); judgments: {source}.",
        f"Chancery = {backend_name()}. Relevant = grade >= {RELEVANT}; nDCG gain 2^grade - 1.",
        "",
        "| system | kind | nDCG@10 | P@10 | R@100 | MRR | judged@10 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in systems:
        for kind in kinds:
            rows = table[name][kind]
            avg = {m: sum(r[m] for r in rows) / len(rows) for m in rows[0]}
            lines.append(f"| {name} | {kind} ({len(rows)}) | {avg['nDCG@10']:.3f} | "
                         f"{avg['P@10']:.3f} | {avg['R@100']:.3f} | {avg['MRR']:.3f} | "
                         f"{avg['judged@10']:.2f} |")  # fmt: skip
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
