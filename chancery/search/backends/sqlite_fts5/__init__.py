"""SQLite FTS5: the embedded engine.

One FTS5 table, ``search_fts``, keyed by the document's primary key (its rowid), with a
column per field and text layer, weighted in bm25: title 10, summary 4, names 2,
translation 1, transcript 1, the scans' machine-read text 0.5. The tokenizer is porter
over unicode61 with diacritics removed ("Gdańsk" finds "Gdansk", "treaties" finds
"treaty"); Russian stemming and CJK
bigrams are applied in Python (:mod:`chancery.search.analysis`) on both sides.

A second, small table ``search_words`` (title, summary and names, unstemmed) and its
``fts5vocab`` view are the archive's vocabulary for "did you mean".

A third, ``search_shown``, holds each document's shown excerpts, which snippets are cut from.

The package: :mod:`.schema` (the tables), :mod:`.compile` (a plan as FTS5 MATCH
expressions), :mod:`.summary` (a search's matches held once, and every count from them) and
:mod:`.backend` (the engine: indexing, matching, ranking, snippets, vocabulary).
"""

from .backend import SQLiteFTS5Backend
from .schema import CREATE_SQL, CREATE_WORDS_SQL, TABLE, WORDS

__all__ = ["CREATE_SQL", "CREATE_WORDS_SQL", "TABLE", "WORDS", "SQLiteFTS5Backend"]
