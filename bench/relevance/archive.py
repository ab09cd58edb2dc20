"""What pool.py and run.py share: the archive, its documents, and the three systems' runs.

Everything is keyed by public_id (``frus1901China/d12``), never by pk: pks differ between
archives, public ids do not.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FRUS = ROOT.parent / "shared" / "corpora" / "frus"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CHANCERY_HOME", tempfile.mkdtemp(prefix="chancery-relevance-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")


@dataclass
class Doc:
    public_id: str
    pk: int
    title: str
    date: str
    summary: str
    text: str

    @property
    def full(self) -> str:
        """What the rules and the plain baselines see: title, summary and text."""
        return f"{self.title} {self.summary} {self.text}"


def natural_key(public_id: str) -> tuple:
    """frus1901China/d9 before frus1901China/d10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", public_id))


#: The query sets: "seen" (the names the variants table was grown from) and "unseen"
#: (variant spellings of names the table does not hold; see README, "The unseen split").
SPLITS = {"seen": "queries.json", "unseen": "queries_unseen.json"}


def queries(split: str = "seen") -> list[dict]:
    return json.loads((HERE / SPLITS[split]).read_text())


def setup(frus: Path = FRUS) -> None:
    """Migrate $CHANCERY_HOME's archive and import the FRUS volumes into it if it is empty."""
    import django

    django.setup()
    from django.core.management import call_command

    from chancery.corpus.models import Document

    call_command("migrate", verbosity=0)
    if not Document.objects.exists():
        files = sorted(str(p) for p in frus.glob("*.xml"))
        call_command("import", "tei", *files, "--no-progress", verbosity=0)


def corpus() -> dict[str, Doc]:
    from chancery.corpus.models import Document
    from chancery.corpus.sanitize import html_to_text

    docs = {}
    published = Document.objects.published().prefetch_related("translations", "transcripts")
    for d in published:
        text = " ".join(html_to_text(t.html) for t in [*d.translations.all(), *d.transcripts.all()])
        docs[d.public_id] = Doc(d.public_id, d.pk, d.title, d.date_display, d.summary or "", text)
    return docs


def backend_name() -> str:
    from django.conf import settings

    return settings.SEARCH_BACKEND


def chancery_run(docs: dict[str, Doc]):
    """Chancery's search as a user gets it (default relevance order), as public ids."""
    from chancery.search.backends import get_backend
    from chancery.search.query import SearchQuery

    by_pk = {d.pk: d.public_id for d in docs.values()}

    def run(text: str, k: int = 100) -> list[str]:
        results = get_backend().search(SearchQuery(text=text))
        results.count()  # lets a query with no document having every word fall back
        return [by_pk[pk] for pk, _, _ in results.ranked(0, k) if pk in by_pk]

    return run


def baseline_index(docs: dict[str, Doc]) -> tuple[sqlite3.Connection, list[str]]:
    """A plain FTS5 table (title, text; porter unicode61): the baseline everyone has."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE plain USING fts5(title, text, tokenize='porter unicode61')")
    ids = sorted(docs, key=natural_key)
    db.executemany("INSERT INTO plain(rowid, title, text) VALUES (?, ?, ?)",
                   [(i, docs[p].title, f"{docs[p].summary} {docs[p].text}")
                    for i, p in enumerate(ids)])  # fmt: skip
    return db, ids


def baseline_run(index: tuple[sqlite3.Connection, list[str]], mode: str):
    """bm25 over the plain table, every query word OR-ed ("any") or AND-ed ("all")."""
    db, ids = index

    def run(text: str, k: int = 100) -> list[str]:
        parts = [" ".join(re.findall(r"\w+", p)) for p in re.findall(r'"([^"]*)"|(\S+)', text)
                 for p in p if p]  # fmt: skip
        parts = [f'"{p}"' for p in parts if p and p not in ("OR", "AND", "NOT")]
        if not parts:
            return []
        expr = (" OR " if mode == "any" else " AND ").join(parts)
        rows = db.execute(
            "SELECT rowid FROM plain WHERE plain MATCH ? ORDER BY bm25(plain) LIMIT ?", (expr, k)
        )
        return [ids[r[0]] for r in rows]

    return run


def rule_patterns(query: dict) -> list[list[re.Pattern]]:
    return [[re.compile(p, re.I) for p in group] for group in query["rule"]]


def rule_run(query: dict, docs: dict[str, Doc], k: int = 30) -> list[str]:
    """Documents matching every group of the query's rule, most matches first.

    Not a system under test: a pooling source, so that documents using only a spelling no
    engine knows still get read and judged.
    """
    groups = rule_patterns(query)
    counted = []
    for pid, doc in docs.items():
        full = doc.full
        counts = [sum(len(p.findall(full)) for p in group) for group in groups]
        if all(counts):
            counted.append((-sum(counts), natural_key(pid), pid))
    return [pid for _, _, pid in sorted(counted)[:k]]
