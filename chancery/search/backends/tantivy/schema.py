"""The index: its folder, schema, analyzers, documents and writer.

Every facet of ``FACETS`` is a field named after it (its values' record pks, or codes; a
document's collections and every collection above them, so a collection's count and filter
cover its subtree; ``collection_0``, ``collection_1``… the same collections each in the
field of its depth in the tree, which the collection facet is counted on);
``agent`` and ``lang`` hold what ``person:`` and ``lang:`` filter on; the dates are days
(ordinals) with a combined sort key each way; ``title_sort`` is the folded title.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import cast

import tantivy
from django.conf import settings

from ...analysis import analyse, fold
from ...facets import FACETS
from ...plan import TEXT_FIELDS, text_keyed
from ..base import IndexEntry

COLUMNS = tuple(TEXT_FIELDS)
#: Bump when the schema or the analysis changes (a facet added to ``FACETS``): an index of
#: another version is rebuilt.
VERSION = 8
UNDATED_DATE = 9_000_000_000_000
#: The collection facet is counted on one field per depth of the tree: a document's
#: collections and every collection above them (the ``collection`` field's values), each
#: in the field of its depth (the last field also holds every collection deeper down). A
#: document in one place of the tree has one value in each field, and a terms aggregation
#: over a field of one value a document reads a value per match, where over ``collection``
#: (every level in one field) it reads them all: 4 to 7 times as slow. A collection lies at
#: one depth, so each field's counts are its collections' own, and a page's first values of
#: the facet are found among each field's first values (``searching.counted``): a broad
#: search's hundreds of collections are counted in the engine, not turned into Python.
COLLECTION_DEPTHS = 6
_LOCK = threading.Lock()
_INDEXES: dict[str, tantivy.Index] = {}
#: The writer of the batch this thread is in (Tantivy allows one writer per index).
WRITING = threading.local()


def _analyzers():
    text = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(60))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )
    words = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )
    return {"chancery": text, "chancery_words": words}


ANALYZERS = _analyzers()


def collection_level(depth: int) -> str:
    """The field holding a document's collections at this depth (0: the top ones)."""
    return f"collection_{min(depth, COLLECTION_DEPTHS - 1)}"


COLLECTION_LEVELS = [collection_level(depth) for depth in range(COLLECTION_DEPTHS)]


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("pk", stored=True, indexed=True, fast=True)
    #: updated_at (seconds) and length in words: the drift check and the length rerank.
    b.add_integer_field("stamp", fast=True)
    b.add_integer_field("words", fast=True)
    for column in COLUMNS:
        b.add_text_field(column, tokenizer_name="chancery")
    #: Unstemmed title, summary and names: the vocabulary "did you mean" draws on.
    b.add_text_field("vocabulary", tokenizer_name="chancery_words", index_option="basic")
    #: A field per facet, named after it, holding its values' record pks (the decade).
    for name, spec in FACETS.items():
        if text_keyed(spec):
            b.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
        else:
            b.add_integer_field(name, indexed=True, fast=True)
    #: A document's collections and those above them, by depth (``COLLECTION_LEVELS``).
    for field in COLLECTION_LEVELS:  # integers: a quarter faster to count than text here
        b.add_integer_field(field, fast=True)
    #: The people, creators and contributors (what ``person:`` filters on).
    b.add_integer_field("agent", indexed=True, fast=True)
    #: The document's languages and its transcripts' (what ``lang:`` filters on).
    b.add_text_field("lang", tokenizer_name="raw", index_option="basic")
    for name in ("earliest", "latest", "year", "date_asc", "date_desc"):
        b.add_integer_field(name, indexed=True, fast=True)
    b.add_text_field("title_sort", tokenizer_name="raw", fast=True, index_option="basic")
    #: The texts snippets are cut from (``IndexEntry.shown`` as JSON; stored, not indexed).
    b.add_bytes_field("shown", stored=True)
    return b.build()


SCHEMA = _schema()


def index_dir() -> Path:
    return Path(settings.SEARCH_INDEX_DIR) / f"tantivy-v{VERSION}"


def older_index_dirs() -> list[Path]:
    """The folders of indexes an earlier version wrote beside this one (``tantivy-v6``
    beside ``tantivy-v7``): left by an upgrade, read by nothing once this version's index
    is built. A newer version's folder (a downgrade) is never among them."""
    folders = []
    for path in Path(settings.SEARCH_INDEX_DIR).glob("tantivy-v*"):
        number = path.name.removeprefix("tantivy-v")
        if number.isdigit() and int(number) < VERSION and path.is_dir():
            folders.append(path)
    return sorted(folders)


def open_index() -> tantivy.Index:
    """This process's handle on the index (created empty when there is none)."""
    path = index_dir()
    key = str(path)
    with _LOCK:
        index = _INDEXES.get(key)
        if index is None:
            path.mkdir(parents=True, exist_ok=True)
            index = tantivy.Index(SCHEMA, path=key, reuse=tantivy.Index.exists(key))
            for name, analyzer in ANALYZERS.items():
                index.register_tokenizer(name, analyzer)
            _INDEXES[key] = index
        return index


def forget_index() -> None:
    """Drop the process's handles (tests that point SEARCH_INDEX_DIR elsewhere)."""
    with _LOCK:
        _INDEXES.clear()
        _GENERATIONS.clear()
        _KNOWN.clear()


#: {index folder: its meta.json's identity when the process's handle last reloaded}.
_GENERATIONS: dict[str, tuple[int, int, int] | None] = {}


def _generation(path: Path) -> tuple[int, int, int] | None:
    """Which commit the index is at: every commit (of any process) writes a new
    ``meta.json`` (a new file moved in place: a new inode, time and often size)."""
    try:
        meta = os.stat(path / "meta.json")
    except FileNotFoundError:
        return None
    return (meta.st_ino, meta.st_mtime_ns, meta.st_size)


def current_searcher() -> tantivy.Searcher:
    """A searcher over the index as last committed by any process: the handle reloads only
    when ``meta.json`` changed since it last did (a reload costs ~0.2 ms, a stat ~2 µs)."""
    return searcher_at()[0]


def searcher_at() -> tuple[tantivy.Searcher, tuple[str, tuple[int, int, int]] | None]:
    """:func:`current_searcher`, and the commit it holds at least (index folder and
    ``meta.json``'s identity, read before the reload; None: none to trust), what is known
    of one commit is kept under."""
    index = open_index()
    path = index_dir()
    seen = _generation(path)
    key = str(path)
    if seen is None or _GENERATIONS.get(key, ()) != seen:
        index.reload()  # the identity read before the reload: a later commit reloads again
        _GENERATIONS[key] = seen
    return index.searcher(), None if seen is None else (key, seen)


#: {index folder: (commit, what is known of it)}: what a search asks of the index that
#: changes only with a commit (the collection depths held, the terms held), asked once.
_KNOWN: dict[str, tuple[tuple[int, int, int], dict]] = {}
#: Answers kept per commit at most (then the next commit, or this bound, starts afresh).
KNOWN_KEPT = 100_000


def _known_at(commit) -> dict:
    """What is known of this ``commit`` (:func:`searcher_at`) so far; a fresh dict, kept
    nowhere, when there is no commit to trust."""
    if commit is None:
        return {}
    kept = _KNOWN.get(commit[0])
    if kept is None or kept[0] != commit[1] or len(kept[1]) >= KNOWN_KEPT:
        kept = _KNOWN[commit[0]] = (commit[1], {})
    return kept[1]


def levels_held(searcher: tantivy.Searcher, commit) -> list[str]:
    """The collection depth fields (:data:`COLLECTION_LEVELS`) some document of this
    searcher holds, from the top down, known once per ``commit`` (:func:`searcher_at`).
    A search counts its collections on these only: a field no document holds cost the
    aggregation of a broad search as much as a facet with values (the twelve volumes and
    the benchmark's archives use four of the six). Asked from the deepest up: an empty
    field answers at once, the deepest held took up to 4 ms at 1,000,000 documents."""
    known = _known_at(commit)
    if "levels" not in known:
        deepest = next(
            (
                depth
                for depth in reversed(range(COLLECTION_DEPTHS))
                if searcher.search(tantivy.Query.exists_query(COLLECTION_LEVELS[depth]), 1).hits
            ),
            -1,
        )
        known["levels"] = COLLECTION_LEVELS[: deepest + 1]
    return known["levels"]


def held(searcher: tantivy.Searcher, commit, field: str, terms) -> bool:
    """Whether some document of this searcher holds each of these index ``terms`` in
    ``field`` (its document frequency, counting deleted documents until a merge: a term
    said held may not be, never the reverse), known once per ``commit`` and term: a search
    asks it of each of its words in each field (about 1 µs a term, 0.2 ms for a name
    searched with a dozen spellings)."""
    known = _known_at(commit)
    for term in terms:
        found = known.get((field, term))
        if found is None:
            found = known[(field, term)] = searcher.doc_freq(field, term) > 0
        if not found:
            return False
    return True


def int_values(
    searcher: tantivy.Searcher, field: str, addresses: list[tantivy.DocAddress]
) -> list[int]:
    """The values of an integer fast field (pk, words, stamp) at these addresses: the stub
    types any fast field's values as ``int | float | bool | None``."""
    return cast("list[int]", searcher.fast_field_values(field, addresses))


def ordinal(value) -> int | None:
    return value.toordinal() if value else None


def to_document(entry: IndexEntry) -> tantivy.Document:
    doc = tantivy.Document(pk=entry.pk)
    facts = entry.facts or {}
    doc.add_integer("stamp", int(facts.get("stamp", 0)))
    # Spaces, not split(): the length rerank needs the order of magnitude, at no cost.
    doc.add_integer("words", entry.body.count(" ") + entry.summary.count(" ") + 1)
    texts = {
        "title": entry.title,
        "summary": entry.summary,
        "translation": entry.translation or ("" if entry.transcript else entry.body),
        "transcript": entry.transcript,
        "names": entry.names,
        "machine": entry.machine,
    }
    for column, text in texts.items():
        if text:
            doc.add_text(column, analyse(text))
    doc.add_text("vocabulary", f"{entry.title} {entry.summary} {entry.names}")
    for name, spec in FACETS.items():
        values = facts.get(name)
        if not spec.many:
            values = [] if values is None else [values]
        for value in values or ():
            if text_keyed(spec):
                doc.add_text(name, value)
            else:
                doc.add_integer(name, value)
    for depth, collections in enumerate(facts.get("collection_levels", ())):
        for pk in collections:
            doc.add_integer(collection_level(depth), pk)
    for agent in facts.get("agent", ()):
        doc.add_integer("agent", agent)
    for code in {*entry.languages, *facts.get("transcript_languages", ())}:
        doc.add_text("lang", code)
    earliest, latest = ordinal(facts.get("earliest")), ordinal(facts.get("latest"))
    if earliest is not None and latest is not None:
        doc.add_integer("earliest", earliest)
        doc.add_integer("latest", latest)
        doc.add_integer("year", facts["earliest"].year)
        doc.add_integer("date_asc", earliest * 1_000_000 + latest)
        doc.add_integer("date_desc", latest * 1_000_000 + earliest)
    else:
        doc.add_integer("date_asc", UNDATED_DATE)
        doc.add_integer("date_desc", 0)
    doc.add_text("title_sort", fold(entry.title)[:120])
    if entry.shown:
        doc.add_bytes("shown", json.dumps(entry.shown, ensure_ascii=False).encode())
    return doc


def acquire_writer(index: tantivy.Index, patience: float = 30.0):
    """The index's one writer; another process holding it is waited for, not failed on."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return index.writer(heap_size=64_000_000, num_threads=1)
        except ValueError as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
