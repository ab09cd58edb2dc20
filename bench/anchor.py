"""The anchor: the bare engine doing the work of a search page, nothing around it.

``bench/search.py --anchor`` times it beside the full request over the same archive and
queries, and prints the ratio request / anchor per engine. Per query it does what the page
needs from the engine, with the engine's own tools only (no Chancery code, no ORM):

- Tantivy: the count, the top 10 by BM25 (title boosted) with a snippet from Tantivy's
  ``SnippetGenerator``, the year filter, and the type and decade facets over every match
  (one terms aggregation each, in one call) — over an index of its own built from the
  same archive (``build_tantivy``: title and the first 40,000 characters of the text
  stored, as the page cuts snippets from; year, decade, type, collections as fast
  fields), kept in ``<home>/anchor-tantivy`` and rebuilt when the archive changes;
- SQLite FTS5: the archive's own ``search_fts`` table — the matches (with the year, type
  and collection filters) held once in a temporary table, the count and the two facets by
  SQL over it, the top 10 by ``bm25`` (title weighted 10) with ``snippet()``;
- PostgreSQL: the archive's ``search_pg`` table — the matches of its weighted ``vector``
  (GIN), the count and the two facets in one statement, the top 10 by ``ts_rank_cd`` with
  ``ts_headline`` (:class:`PostgresAnchor`).

The words are those the page searches: ``bench/search.py`` passes the groups of words
Chancery's parser made of each query (a name with its variants is one group of
alternatives: "Li Hongzhang" OR "Li Hung-chang" …), written in the engine's own query
syntax, every group required (the page relaxes three or more words to "most of them":
the anchor asks them all, so it finds fewer); a ``1870..1890`` range in the text is taken
as the year filter.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import tantivy

#: The page cuts snippets from the first this many characters of a text (snippets.py).
EXCERPT = 40_000
RANGE = re.compile(r"(?<!\S)(\d{3,4})\.\.(\d{3,4})(?!\S)")
WORD = re.compile(r"\w+")


@dataclass
class AnchorQuery:
    #: Groups of alternatives (words or phrases), every group required.
    groups: list[list[str]]
    start: int | None = None
    end: int | None = None
    type_id: int | None = None
    collection_id: int | None = None


def read_params(
    params: dict, db: sqlite3.Connection, groups: list[list[str]] | None = None
) -> AnchorQuery:
    """The bench's request parameters as an anchor query (slugs resolved to ids);
    ``groups``: the words as Chancery's parser grouped them (default: each word or quoted
    phrase of the text a group of its own)."""
    text = params.get("q", "")
    start = int(params["start_date"][:4]) if params.get("start_date") else None
    end = int(params["end_date"][:4]) if params.get("end_date") else None
    found = RANGE.search(text)
    if found:
        start, end = int(found.group(1)), int(found.group(2))
        text = RANGE.sub(" ", text)
    if groups is None:
        groups = [[phrase or word] for phrase, word in re.findall(r'"([^"]+)"|(\S+)', text)]
    query = AnchorQuery(groups, start, end)
    if params.get("type"):
        row = db.execute("SELECT id FROM corpus_documenttype WHERE slug = ?", [params["type"]])
        query.type_id = row.fetchone()[0]
    if params.get("collection"):
        row = db.execute("SELECT id FROM corpus_collection WHERE slug = ?", [params["collection"]])
        query.collection_id = row.fetchone()[0]
    return query


def written(groups: list[list[str]]) -> str:
    """The groups in the query syntax FTS5 and Tantivy's parser share: ``("a" OR "b c")
    AND "d"`` (a phrase quoted, its punctuation dropped)."""
    parts = []
    for group in groups:
        alternatives = ['"' + " ".join(WORD.findall(t)) + '"' for t in group if WORD.findall(t)]
        if alternatives:
            parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


# -- SQLite FTS5 -----------------------------------------------------------------------------


class FTS5Anchor:
    """Bare FTS5 over the archive's ``search_fts`` table (a connection of its own)."""

    def __init__(self, database: Path):
        self.db = sqlite3.connect(str(database))
        self.db.execute("PRAGMA temp_store=MEMORY")

    def run(self, query: AnchorQuery) -> dict:
        match = written(query.groups)
        where, args = ["search_fts MATCH ?", "d.status = 'published'"], [match]
        if query.start is not None:
            where.append("d.date_earliest >= ?")
            args.append(f"{query.start:04d}-01-01")
        if query.end is not None:
            where.append("d.date_earliest <= ?")
            args.append(f"{query.end:04d}-12-31")
        if query.type_id is not None:
            where.append("d.doc_type_id = ?")
            args.append(query.type_id)
        if query.collection_id is not None:
            where.append(
                "EXISTS (SELECT 1 FROM corpus_membership m WHERE m.document_id = d.id "
                "AND m.collection_id = ?)"
            )
            args.append(query.collection_id)
        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.anchor_hits")
        fill = (
            "CREATE TEMP TABLE anchor_hits AS SELECT d.id AS id, d.decade AS decade, "
            "d.doc_type_id AS type FROM search_fts JOIN corpus_document d "
            "ON d.id = +search_fts.rowid WHERE "
        )
        db.execute(fill + " AND ".join(where), args)  # the clauses are fixed text
        count = db.execute("SELECT count(*) FROM anchor_hits").fetchone()[0]
        types = db.execute("SELECT type, count(*) FROM anchor_hits GROUP BY type").fetchall()
        decades = db.execute("SELECT decade, count(*) FROM anchor_hits GROUP BY decade").fetchall()
        # bm25 weights in column order: words (unindexed), title, summary, translation,
        # transcript, names, machine — as the engine weighs them.
        top = db.execute(
            "SELECT rowid, snippet(search_fts, -1, '<mark>', '</mark>', '…', 24) "
            "FROM search_fts WHERE search_fts MATCH ? "
            "AND +rowid IN (SELECT id FROM anchor_hits) "
            "ORDER BY bm25(search_fts, 0, 10, 4, 1, 1, 2, 0.5) LIMIT 10",
            [match],
        ).fetchall()
        return {"count": count, "top": top, "facets": {"type": types, "decade": decades}}


# -- Tantivy ---------------------------------------------------------------------------------


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("pk", stored=True, fast=True, indexed=True)
    b.add_text_field("title", stored=True, tokenizer_name="en_stem")
    b.add_text_field("body", stored=True, tokenizer_name="en_stem")
    for name in ("year", "decade", "type", "collection"):
        b.add_integer_field(name, indexed=True, fast=True)
    return b.build()


SCHEMA = _schema()


def _stamp(db: sqlite3.Connection) -> str:
    """What the anchor index was built from: published documents, the newest change, and
    the rows of FTS5's table it reads the texts from."""
    row = db.execute(
        "SELECT count(*), max(updated_at) FROM corpus_document WHERE status = 'published'"
    ).fetchone()
    texts = db.execute("SELECT count(*) FROM search_fts").fetchone()[0]
    return f"{row[0]} {row[1]} {texts}"


def build_tantivy(database: Path, folder: Path) -> float | None:
    """(Re)build the anchor's index when the archive changed; seconds taken (None: kept)."""
    db = sqlite3.connect(str(database))
    stamp = _stamp(db)
    marker = folder / "built-from"
    if marker.exists() and marker.read_text() == stamp:
        return None
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index = tantivy.Index(SCHEMA, path=str(folder))
    writer = index.writer(heap_size=128_000_000, num_threads=1)
    collections: dict[int, list[int]] = {}
    for pk, collection in db.execute("SELECT document_id, collection_id FROM corpus_membership"):
        collections.setdefault(pk, []).append(collection)
    rows = db.execute(
        "SELECT d.id, f.title, coalesce(nullif(f.translation, ''), f.transcript, ''), "
        "d.date_earliest, d.decade, d.doc_type_id FROM corpus_document d "
        "JOIN search_fts f ON f.rowid = d.id WHERE d.status = 'published'"
    )
    published = db.execute(
        "SELECT count(*) FROM corpus_document WHERE status = 'published'"
    ).fetchone()[0]
    added = 0
    for pk, title, text, earliest, decade, type_id in rows:
        added += 1
        doc = tantivy.Document(pk=pk, title=title or "", body=(text or "")[:EXCERPT])
        if earliest:
            doc.add_integer("year", int(str(earliest)[:4]))
        if decade is not None:
            doc.add_integer("decade", decade)
        if type_id is not None:
            doc.add_integer("type", type_id)
        for collection in collections.get(pk, ()):
            doc.add_integer("collection", collection)
        writer.add_document(doc)
    if added != published:  # timing an anchor over part of the archive flatters nobody
        writer.rollback()
        raise SystemExit(
            f"the anchor's index would hold {added} of {published} published documents: "
            "FTS5's table (search_fts), which it is read from, is incomplete; build it with "
            "bench/search.py --engine sqlite (--anchor with tantivy does so first)"
        )
    writer.commit()
    writer.wait_merging_threads()
    marker.write_text(stamp)
    return time.perf_counter() - started


class TantivyAnchor:
    """Bare Tantivy over the anchor's index."""

    def __init__(self, folder: Path):
        self.index = tantivy.Index.open(str(folder))
        self.index.reload()
        self.searcher = self.index.searcher()

    def run(self, query: AnchorQuery) -> dict:
        Occur, Query = tantivy.Occur, tantivy.Query
        words = self.index.parse_query(
            written(query.groups) or "*",
            ["title", "body"],
            field_boosts={"title": 10.0},
            conjunction_by_default=True,
        )
        clauses = [(Occur.Must, words)]
        if query.start is not None or query.end is not None:
            clauses.append((Occur.Must, Query.range_query(
                SCHEMA, "year", tantivy.FieldType.Integer,
                query.start if query.start is not None else 0,
                query.end if query.end is not None else 9999,
            )))  # fmt: skip
        if query.type_id is not None:
            clauses.append((Occur.Must, Query.term_query(SCHEMA, "type", query.type_id)))
        if query.collection_id is not None:
            clauses.append(
                (Occur.Must, Query.term_query(SCHEMA, "collection", query.collection_id))
            )
        full = Query.boolean_query(clauses)
        searcher = self.searcher
        found = searcher.search(full, 10, count=True)
        snippets = tantivy.SnippetGenerator.create(searcher, words, SCHEMA, "body")
        snippets.set_max_num_chars(220)
        top = []
        for score, address in found.hits:
            doc = searcher.doc(address)
            top.append((doc["pk"][0], score, snippets.snippet_from_doc(doc).to_html()))
        facets = searcher.aggregate(
            full,
            {
                "type": {"terms": {"field": "type", "size": 65_000}},
                "decade": {"terms": {"field": "decade", "size": 65_000}},
            },
        )
        return {"count": found.count, "top": top, "facets": facets}  # type: ignore[attr-defined]


# -- PostgreSQL ------------------------------------------------------------------------------


class PostgresLookup:
    """A psycopg connection answering ``read_params``'s SQLite-style lookups (``?``)."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql: str, args: list):
        return self.connection.execute(sql.replace("?", "%s"), args)


# Only fixed text and placeholders are interpolated into the statements below.
# ruff: noqa: S608


class PostgresAnchor:
    """Bare PostgreSQL full-text search over the archive's ``search_pg`` table (a connection
    of its own): the matches of the weighted ``vector`` (GIN) with the year, type and
    collection filters, their count and the two facets in one statement (GROUPING SETS),
    then the top 10 by ``ts_rank_cd`` (the same label weights) with a ``ts_headline``
    snippet of the first 40,000 characters of the text. The work is the server's: its
    backend's CPU time is ``pid``'s (``/proc/<pid>/schedstat``)."""

    WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"

    def __init__(self, url: str):
        import psycopg

        self.db = psycopg.connect(url, autocommit=True)
        self.pid = self.db.info.backend_pid

    def run(self, query: AnchorQuery) -> dict:
        groups, args = [], []
        for group in query.groups:
            either = [t for t in group if WORD.findall(t)]
            if either:
                phrase = "phraseto_tsquery('chancery_english', %s)"
                groups.append("(" + " || ".join([phrase] * len(either)) + ")")
                args += [" ".join(WORD.findall(t)) for t in either]
        where, filters = ["s.vector @@ q.q"], []
        if query.start is not None:
            where.append("s.year >= %s")
            filters.append(query.start)
        if query.end is not None:
            where.append("s.year <= %s")
            filters.append(query.end)
        if query.type_id is not None:
            where.append("s.doc_type = %s")
            filters.append(query.type_id)
        if query.collection_id is not None:
            where.append(
                "EXISTS (SELECT 1 FROM corpus_membership m WHERE m.document_id = s.document_id "
                "AND m.collection_id = %s)"
            )
            filters.append(query.collection_id)
        tsquery = " && ".join(groups) or "''::tsquery"
        matches = f"FROM search_pg s, (SELECT {tsquery} AS q) q WHERE " + " AND ".join(where)
        counted = self.db.execute(
            f"SELECT GROUPING(s.doc_type), GROUPING(s.decade), s.doc_type, s.decade, count(*) "
            f"{matches} GROUP BY GROUPING SETS ((), (s.doc_type), (s.decade))",
            args + filters,
        ).fetchall()
        count = next((n for gt, gd, _, _, n in counted if gt and gd), 0)
        types = [(t, n) for gt, gd, t, _, n in counted if not gt and gd]
        decades = [(d, n) for gt, gd, _, d, n in counted if gt and not gd]
        top = self.db.execute(
            "SELECT t.document_id, t.r, ts_headline('chancery_english', left(coalesce(nullif("
            "x.translation, ''), x.transcript), %s), t.q, 'StartSel=<mark>, StopSel=</mark>, "
            "MaxWords=35, MinWords=15') FROM (SELECT s.document_id, q.q, "
            f"ts_rank_cd('{self.WEIGHTS}', s.vector, q.q) AS r {matches} "
            "ORDER BY r DESC LIMIT 10) t JOIN search_pg x ON x.document_id = t.document_id "
            "ORDER BY t.r DESC",
            [EXCERPT, *args, *filters],
        ).fetchall()
        return {"count": count, "top": top, "facets": {"type": types, "decade": decades}}
