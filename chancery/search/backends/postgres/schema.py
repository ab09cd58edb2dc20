"""The ``search_pg`` table as the search migrations made it, and what is written to it.

One row per published document, keyed by its primary key. The weighted ``tsvector`` is a
generated column, so PostgreSQL keeps it current on every write to the row: title A,
summary B, names C, translation and transcript D (ranked with :data:`RANK_WEIGHTS`, the
shared field weights of :data:`chancery.search.plan.TEXT_FIELDS` divided by ten). A GIN
index serves ``@@``. The scans' machine-read text has its own column, generated vector
``machine_vector`` and GIN index (``ts_rank_cd`` has four labels and all four are in use):
a word matches in either vector, and the machine vector's rank counts
:data:`MACHINE_FACTOR` of a human text's.

The migrations hold their SQL as they ran it: 0002_postgres (the text columns, the
weighted ``vector`` and its GIN index, the unstemmed ``words``, the text search
configurations chancery_english, chancery_russian and chancery_simple, folding diacritics
with ``unaccent``), 0004_postgres_head (the ``head`` vector: title, summary, names and the
first 1,500 characters of each text layer), 0005_postgres_facts (the triggers that drop the
rows of documents deleted or unpublished behind Django's back) and 0006_postgres_links (the
facts columns, the combinations table :data:`LINKS` and its ``search_pg_links_id`` function,
the ``lead`` vector and its GIN index), 0009_search_machine_text (the machine-read text),
0010_postgres_term_stats (what BM25 reads: each row's ``length``, the document
frequency of each lexeme in :data:`TERMS`, the totals in :data:`STATS`, and the trigger
that takes deleted rows away from them) and 0013_postgres_shown_excerpts (``shown``, the
excerpts snippets are cut from: ``IndexEntry.shown`` as JSON text, NULL in a row written
before it).

A search trusts the table to hold only published documents (it never joins the documents
for that): signals keep it so, and the triggers when documents change behind Django's back
(a TRUNCATE, a queryset ``update`` of the status, a raw DELETE).
"""

# Only this package's table, column and configuration names are interpolated into SQL;
# words, ids and dates are parameters.
# ruff: noqa: S608

from __future__ import annotations

import re

from django.db import connections, router
from django.db.models import ManyToManyField

from chancery.corpus.models import Document

from ...analysis import CJK_RUN, WORD, bigrams, has_cjk
from ...facets import FACETS
from ...plan import TEXT_FIELDS, text_keyed

TABLE = "search_pg"
#: ISO 639-2/B language code -> configuration of a document's original text.
LANGUAGE_CONFIGS = {"eng": "chancery_english", "rus": "chancery_russian"}
#: The weight labels of the text fields (``setweight`` in migration 0002_postgres).
LABELS = {"title": "A", "summary": "B", "names": "C", "translation": "D", "transcript": "D"}
#: ts_rank_cd's weights of the labels {D, C, B, A}: the shared weights, a tenth of them.
RANK_WEIGHTS = (
    "{"
    + ", ".join(
        str(max(TEXT_FIELDS[f] for f, lab in LABELS.items() if lab == label) / 10)
        for label in "DCBA"
    )
    + "}"
)
#: The machine-read text (its own vector, labelled D like the human texts): its rank counts
#: this much of a human text's, the ratio of their shared weights.
MACHINE_FIELD = "machine"
MACHINE_FACTOR = TEXT_FIELDS[MACHINE_FIELD] / TEXT_FIELDS["transcript"]
#: tsvector positions stop at 16,383 and its size at 1 MB: this much of a text is indexed
#: (the generated ``vector`` column of migration 0002_postgres).
MAX_INDEXED = 1_000_000
#: Documents whose words ``vocabulary`` reads ("did you mean" needs no more).
VOCABULARY_SAMPLE = 20_000

#: The facts a search filters, counts and ranks by without reading the documents
#: (migrations 0005_postgres_facts and 0006_postgres_links): type, decade, year of the
#: earliest date, the dates, and which combination of the many-valued facets' values the
#: document has (``links``, an id in :data:`LINKS`). Written with the text, inside the same
#: transaction, so they follow the document.
FACT_COLUMNS = {
    "doc_type": "bigint",
    "decade": "integer",
    "year": "integer",
    "earliest": "date",
    "latest": "date",
    "links": "integer",
}
#: The many-valued facets -> their array column in :data:`LINKS` (the Document relation).
LINK_FACETS = {name: spec.relation for name, spec in FACETS.items() if spec.many}
#: The single-valued facets -> their column on the row (the Document field).
ROW_FACETS = {name: spec.relation for name, spec in FACETS.items() if not spec.many}
#: Each distinct combination of a document's many-valued facet values, once: a few
#: thousand for hundreds of thousands of documents (the documents of one volume share most
#: of theirs). A search groups its matches by combination (one integer) and unnests only
#: the combinations found, so facets cost a pass over integers.
LINKS = "search_pg_links"
#: lexeme -> how many documents hold it (in either vector), and the one row of the number
#: of documents and the sum of their lengths (``search_pg.length``): what BM25 reads
#: (migration 0010_postgres_term_stats; kept by :func:`count_terms`).
TERMS = "search_pg_terms"
STATS = "search_pg_stats"
#: Serialises the writers of :data:`TERMS` (a transaction-level advisory lock): two
#: transactions indexing documents with common words would otherwise lock their rows in
#: different orders.
STATS_LOCK = 7_140_114


def count_terms(cursor, pks: list[int], sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) the rows ``pks`` from the document frequencies
    and the totals: one statement, reading only the lexeme lists of those rows' vectors."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STATS_LOCK])
    cursor.execute(
        f"WITH rows AS (SELECT document_id, length, vector, machine_vector FROM {TABLE} "
        "WHERE document_id = ANY(%s)), "
        "terms AS (SELECT l, count(*) AS n FROM (SELECT DISTINCT r.document_id, l FROM rows r, "
        "unnest(tsvector_to_array(r.vector) || tsvector_to_array(r.machine_vector)) AS l) "
        "AS t GROUP BY l), "
        f"counted AS (INSERT INTO {TERMS} AS c (lexeme, documents) "
        "SELECT l, %s * n FROM terms ORDER BY l "
        "ON CONFLICT (lexeme) DO UPDATE SET documents = c.documents + EXCLUDED.documents) "
        f"INSERT INTO {STATS} AS s (id, documents, words) "
        "SELECT 1, %s * count(*), %s * coalesce(sum(length), 0) FROM rows "
        "ON CONFLICT (id) DO UPDATE SET documents = s.documents + EXCLUDED.documents, "
        "words = s.words + EXCLUDED.words",
        [pks, sign, sign, sign],
    )


def recount_terms(cursor) -> None:
    """Every document frequency and total counted again from the rows (``optimize``)."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STATS_LOCK])
    cursor.execute(f"DELETE FROM {TERMS}")
    cursor.execute(
        f"INSERT INTO {TERMS} (lexeme, documents) SELECT l, count(*) FROM ("
        f"SELECT DISTINCT s.document_id, l FROM {TABLE} s, "
        "unnest(tsvector_to_array(s.vector) || tsvector_to_array(s.machine_vector)) AS l"
        ") AS t GROUP BY l"
    )
    cursor.execute(
        f"INSERT INTO {STATS} AS s (id, documents, words) "
        f"SELECT 1, count(*), coalesce(sum(length), 0) FROM {TABLE} "
        "ON CONFLICT (id) DO UPDATE SET documents = EXCLUDED.documents, words = EXCLUDED.words"
    )


def word_count(*texts: str) -> int:
    """A document's length as BM25 reads it: its runs of word characters."""
    return sum(len(WORD.findall(t)) for t in texts if t)


def link_type(name: str) -> str:
    """The SQL array type of a many-valued facet's ids."""
    return "text[]" if text_keyed(FACETS[name]) else "bigint[]"


def _links_id_sql(document: str) -> str:
    """The links id of the document whose id is the SQL ``document`` (made if new)."""
    arrays = []
    for column in LINK_FACETS.values():
        field = Document._meta.get_field(column)
        if not isinstance(field, ManyToManyField) or field.remote_field.through is None:
            raise TypeError(f"Document.{column} is not a many-to-many field")
        through = field.remote_field.through._meta.db_table
        arrays.append(
            f"ARRAY(SELECT f.{field.m2m_reverse_name()} FROM {through} f "
            f"WHERE f.{field.m2m_column_name()} = {document} ORDER BY 1)"
        )
    return f"{LINKS}_id({', '.join(arrays)})"


def facts_sql(document: str, row: str) -> str:
    """The facts columns' values of the document whose id is ``document`` and whose
    corpus_document row is ``row``."""
    return (
        f"{row}.doc_type_id, {row}.decade, EXTRACT(YEAR FROM {row}.date_earliest)::integer, "
        f"{row}.date_earliest, {row}.date_latest, {_links_id_sql(document)}"
    )


CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Text layers -> (configuration column, text column) a layer-limited query re-checks.
LAYER_TEXT = {
    "translation": ("meta_config", "translation"),
    "transcript": ("text_config", "transcript"),
}


def configs_for(languages: list[str], meta_text: str = "", transcript: str = "") -> tuple[str, str]:
    """(configuration of the descriptive fields, of the transcript) for a document.

    Text with Cyrillic in it is analysed as Russian whatever the declared language: the
    Russian configuration stems ASCII words as English too, so nothing is lost.
    """
    if "rus" in languages:
        return "chancery_russian", "chancery_russian"
    if not languages or "eng" in languages:
        text = "chancery_english"
    else:
        found = (LANGUAGE_CONFIGS[c] for c in languages if c in LANGUAGE_CONFIGS)
        text = next(found, "chancery_simple")
    meta = "chancery_russian" if CYRILLIC.search(meta_text) else "chancery_english"
    return meta, "chancery_russian" if CYRILLIC.search(transcript) else text


_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u2011](?=\w)")


def prepare(text: str) -> str:
    """Text as stored: no NUL (PostgreSQL refuses it), hyphens as spaces (as SQLite's
    tokenizer reads them: "Hung-chang" is the two words of "Hung chang", not a third
    compound token that would break the phrase), CJK runs as bigrams."""
    text = _HYPHEN.sub(" ", (text or "").replace("\x00", " "))
    if has_cjk(text):
        text = CJK_RUN.sub(lambda m: " ".join(bigrams(m.group())), text)
    return text


def fetch(sql: str, params: list) -> list[tuple]:
    with connections[router.db_for_read(Document)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
