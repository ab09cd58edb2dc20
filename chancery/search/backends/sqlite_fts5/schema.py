"""The FTS5 engine's tables: ``search_fts`` (the documents' texts, a column per field and
text layer, weighted as :data:`~chancery.search.plan.TEXT_FIELDS`) and ``search_words``
(the vocabulary, with its ``fts5vocab`` view), and ``search_shown``: the excerpts snippets
are cut from. Search migrations 0001-0003, 0009 and 0012 made them so."""

from __future__ import annotations

from ...plan import TEXT_FIELDS

TABLE = "search_fts"
COLUMNS = tuple(TEXT_FIELDS)
TOKENIZE = "porter unicode61 remove_diacritics 2"
#: ``words`` (not indexed, first so it is read without touching the texts) is the
#: document's length in words, for the length adjustment below.
CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    f"words UNINDEXED, {', '.join(COLUMNS)}, tokenize = '{TOKENIZE}')"
)
WORDS = "search_words"
CREATE_WORDS_SQL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {WORDS} USING fts5("
    "words, tokenize = 'unicode61 remove_diacritics 2')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {WORDS}_vocab USING fts5vocab({WORDS}, 'row')",
]
#: Each document's shown excerpts (``IndexEntry.shown`` as JSON), keyed by its pk.
SHOWN = "search_shown"
