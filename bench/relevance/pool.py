"""Pool the documents to be judged for each query, and write the reading packets.

    CHANCERY_HOME=/tmp/relevance-home .venv/bin/python bench/relevance/pool.py \
        [--depth 30] [--packets /tmp/relevance-packets]

Pool of a query (TREC style) = union of the top ``--depth`` documents of Chancery's search
(whatever CHANCERY_SEARCH_BACKEND selects), plain FTS5 bm25 any word, plain FTS5 bm25 all
words, and the query's rule in queries.json ranked by number of matches (so documents that
use only a spelling no engine knows are read too). Writes ``pool.json`` (query id -> public
ids) and one markdown packet per query for the readers, outside the repository (packets
quote the corpus at length).

A later engine's unjudged documents are added with

    pool.py --extra-run RUN.json [--extra-depth 10]

(RUN.json: query id or text -> ranked public ids, e.g. from ``run.py --write-run``): the
documents of its top ``--extra-depth`` not yet in the pool are added to ``pool.json`` and get
packets ``qNN-slug.extra-RUN.md`` listing only them.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from bisect import bisect_right
from pathlib import Path

from archive import (
    HERE,
    backend_name,
    baseline_index,
    baseline_run,
    chancery_run,
    corpus,
    natural_key,
    queries,
    rule_run,
    setup,
)

POOL = HERE / "pool.json"
STOP = {"of", "the", "and", "a", "an", "in", "on", "for", "to", "or", "by"}
OPENING, CONTEXT, PASSAGES = 100, 30, 4


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def packet_name(query: dict, suffix: str = "") -> str:
    return f"{query['id']}-{slug(query['query'])}{suffix}.md"


def patterns(query: dict) -> tuple[re.Pattern, re.Pattern]:
    """The query subject's forms: its rule's regexes, and the query's own words.

    A capitalised query word matches only capitalised and not after a hyphen ("Li" but not
    "Tsung-li"); the rule's matches weigh more when passages are chosen.
    """
    rule = "|".join(f"(?:{p})" for group in query["rule"] for p in group)
    words = []
    if query["kind"] != "phrase":
        for w in re.findall(r"\w+", query["query"]):
            if w.lower() in STOP:
                continue
            exact = w[0].isupper()
            words.append(rf"(?<![-\w'’])(?-i:{w})\b" if exact else rf"\b{re.escape(w)}\b")
    return re.compile(rule, re.I), re.compile("|".join([rule, *words]), re.I)


def bold(text: str, pat: re.Pattern) -> str:
    text = text.replace("*", "\\*")
    return pat.sub(lambda m: f"**{m.group(0)}**", text)


def passages(text: str, rule: re.Pattern, pat: re.Pattern) -> tuple[list[str], int]:
    """Up to PASSAGES windows of ±CONTEXT words around the densest clusters of matches.

    Clusters with more matches of the rule come first, then those with more matches of any
    form; matches inside the opening (shown anyway) are not repeated; the chosen clusters
    are shown in the document's order.
    """
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    words = text.split()
    hits = [(bisect_right(starts, m.start()) - 1, bool(rule.match(text, m.start())))
            for m in pat.finditer(text)]  # fmt: skip
    clusters: list[list[int]] = []
    weight: list[int] = []
    for w, in_rule in hits:
        if w < OPENING:
            continue
        if clusters and w - clusters[-1][0] <= CONTEXT:
            clusters[-1].append(w)
            weight[-1] += in_rule
        else:
            clusters.append([w])
            weight.append(int(in_rule))
    order = sorted(range(len(clusters)), key=lambda i: (-weight[i], -len(clusters[i]), i))
    best = [clusters[i] for i in order[:PASSAGES]]
    shown = []
    for c in sorted(best, key=lambda c: c[0]):
        lo, hi = max(0, c[0] - CONTEXT), min(len(words), c[-1] + CONTEXT + 1)
        shown.append(
            ("… " if lo else "") + " ".join(words[lo:hi]) + (" …" if hi < len(words) else "")
        )
    return shown, len(clusters) - len(best)


def entry(doc, rule: re.Pattern, pat: re.Pattern) -> str:
    words = doc.text.split()
    forms: dict[str, int] = {}
    for m in pat.finditer(doc.full):
        key = " ".join(m.group(0).split())
        forms[key] = forms.get(key, 0) + 1
    count = sum(forms.values())
    form_list = ", ".join(f"{f} ×{n}" for f, n in sorted(forms.items(), key=lambda x: -x[1]))
    lines = [
        f"### {doc.public_id} — {bold(doc.title, pat)}",
        "",
        f"{doc.date or 'undated'} · {len(words):,} words · {count} occurrence"
        f"{'' if count == 1 else 's'}{': ' + form_list if form_list else ''}",
        "",
    ]
    if doc.summary.strip():
        lines += [f"**Summary:** {bold(doc.summary.strip(), pat)}", ""]
    opening = " ".join(words[:OPENING]) + (" …" if len(words) > OPENING else "")
    lines += [f"**Opening:** {bold(opening, pat)}", ""]
    shown, more = passages(doc.text, rule, pat)
    for p in shown:
        lines += [f"> {bold(p, pat)}", ""]
    if more:
        lines += [
            f"*({more} more passage{'s' if more > 1 else ''} with occurrences not shown)*",
            "",
        ]
    return "\n".join(lines)


def write_packet(path: Path, query: dict, ids: list[str], docs, note: str = "") -> int:
    rule, pat = patterns(query)
    ids = sorted(ids, key=natural_key)
    head = [
        f"# {query['id']}: {query['query']}",
        "",
        f"**Kind:** {query['kind']}  ",
        f"**Documents to judge:** {len(ids)}{note}",
        "",
        f"**Information need.** {query['need']}",
        "",
        "Grades: 3 principally about the need · 2 substantial treatment (a paragraph or more of"
        " real content) · 1 passing mention (dateline, list, one sentence) · 0 not relevant"
        " (other person/sense, or no real mention). Write (for a supplement: append) one line"
        " per document to"
        f" `/tmp/relevance-judgments/{query['id']}.tsv`: `{query['id']}<TAB>public_id<TAB>grade"
        "<TAB>note` (template at the end). Passages shown are the densest clusters of"
        " occurrences of the query's words and their other forms (**bold**).",
        "",
        "---",
        "",
    ]
    body = [entry(docs[i], rule, pat) + "\n---\n" for i in ids]
    template = [
        "## Judgments template",
        "",
        "```",
        *(f"{query['id']}\t{i}\t\t" for i in ids),
        "```",
    ]
    text = "\n".join(head + body + template) + "\n"
    path.write_text(text)
    return len(text.split())


def show(public_id: str) -> int:
    """A judge's look at a whole document when the packet does not settle its grade."""
    from chancery.corpus.models import Document
    from chancery.corpus.sanitize import html_to_text

    d = Document.objects.filter(public_id=public_id).first()
    if d is None:
        print(f"no document {public_id!r} in this archive")
        return 1
    print(f"{d.public_id} — {d.title}\n{d.date_display}\n{d.summary or ''}\n")
    for t in [*d.translations.all(), *d.transcripts.all()]:
        print(html_to_text(t.html), "\n")
    return 0


def load_run(path: Path, qs: list[dict]) -> dict[str, list[str]]:
    run = json.loads(path.read_text())
    by_text = {q["query"]: q["id"] for q in qs}
    return {by_text.get(k, k): v for k, v in run.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=30, help="documents pooled from each source")
    parser.add_argument("--packets", default=Path(tempfile.gettempdir()) / "relevance-packets",
                        help="where the packets go")  # fmt: skip
    parser.add_argument("--extra-run", type=Path, help="JSON query -> ranked public ids to add")
    parser.add_argument("--extra-depth", type=int, default=10)
    parser.add_argument("--show", metavar="PUBLIC_ID", help="print one document's whole text")
    parser.add_argument("--split", choices=["seen", "unseen"], default="seen",
                        help="query set (unseen: queries_unseen.json)")  # fmt: skip
    args = parser.parse_args()
    global POOL
    if args.split != "seen":
        POOL = HERE / f"pool_{args.split}.json"
    setup()
    if args.show:
        return show(args.show)
    docs = corpus()
    qs = queries(args.split)
    out = Path(args.packets)
    out.mkdir(parents=True, exist_ok=True)
    sizes = []
    if args.extra_run:
        pool = json.loads(POOL.read_text())
        run = load_run(args.extra_run, qs)
        unknown = sorted({i for ids in run.values() for i in ids} - docs.keys())
        if unknown:
            print(f"warning: {len(unknown)} public ids not in this archive: {unknown[:5]}")
        suffix = f".extra-{slug(args.extra_run.stem)}"
        for q in qs:
            new = [i for i in run.get(q["id"], [])[: args.extra_depth]
                   if i in docs and i not in pool[q["id"]]]  # fmt: skip
            if not new:
                continue
            pool[q["id"]] = sorted({*pool[q["id"]], *new}, key=natural_key)
            name = packet_name(q, suffix)
            note = (
                f" (supplement: only documents not in the first pool, from {args.extra_run.name})"
            )
            sizes.append((name, len(new), write_packet(out / name, q, new, docs, note)))
    else:
        print(f"Chancery backend: {backend_name()}")
        index = baseline_index(docs)
        sources = [chancery_run(docs), baseline_run(index, "any"), baseline_run(index, "all")]
        pool = {}
        for q in qs:
            ids = {i for run in sources for i in run(q["query"], args.depth)}
            ids |= set(rule_run(q, docs, args.depth))
            pool[q["id"]] = sorted(ids, key=natural_key)
            name = packet_name(q)
            sizes.append((name, len(ids), write_packet(out / name, q, pool[q["id"]], docs)))
    POOL.write_text(json.dumps(pool, indent=0) + "\n")
    for name, n, words in sizes:
        print(f"{name:45} {n:4} documents {words:7,} words")
    total = sum(n for _, n, _ in sizes)
    print(f"{len(sizes)} packets in {out}, {total} documents, {sum(w for *_, w in sizes):,} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
