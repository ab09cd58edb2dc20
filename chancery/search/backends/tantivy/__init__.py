"""Tantivy: the default engine on SQLite, fast from the demo to a million documents.

The index is a folder (``SEARCH_INDEX_DIR``, by default ``$CHANCERY_HOME/search-index``)
derived from the database and never the other way round: ``chancery reindex`` rebuilds it,
``chancery serve`` compares it with the database before starting (``drift``) and rebuilds
it when they disagree. Writes reach it when the database transaction that made them
commits (:mod:`chancery.search.indexing`), so a rolled-back write never shows; after each
write, and once a minute in a searching process, the same comparison is made again and
what a crash left out is reindexed (``indexing.repair``).

Unlike the SQL engines, everything a search page needs is answered inside the index:
matching, ranking (BM25 per field, weighted like the FTS5 engine: title 10, summary 4,
names 2, translation and transcript 1, machine-read text 0.5), the count, every facet and
the year histogram (Tantivy aggregations over all matches), filters, dates and sorting
(fast fields); the snippets are cut from excerpts stored in the index (the head of each
text, cut as the shared code cuts it). The database is asked only for the ten documents
shown and the labels of the facet values: a broad word matching most of the archive costs
no Python loop over its matches.

Text is analysed as on SQLite: Russian stems and CJK bigrams in Python
(:mod:`chancery.search.analysis`), then a Tantivy analyzer that lowercases, folds
diacritics and stems English.

The package: :mod:`.schema` (folder, schema, documents, writer), :mod:`.query` (a plan as
Tantivy queries), :mod:`.searching` (one plan's counts, aggregations and pages; the facet
labels) and :mod:`.backend` (the engine).
"""

from .backend import TantivyBackend
from .schema import VERSION, forget_index, open_index

__all__ = ["VERSION", "TantivyBackend", "forget_index", "open_index"]
