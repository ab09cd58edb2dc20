"""PostgreSQL full-text search: the engine for archives that outgrow one machine.

One table, ``search_pg``, one row per published document (:mod:`.schema`), carrying the
document's weighted ``tsvector`` and its facts (type, decade, year, dates, and its
combination of many-valued facet values), so that a search filters, counts, facets and
ranks its matches without reading the documents or writing anything:

- :mod:`.compile` turns a plan into SQL over the rows (:class:`~.compile.Match`);
- :mod:`.summary` counts, facets and makes the year histogram in one statement;
- :mod:`.ranking` pages by relevance (BM25, :mod:`.bm25`, then the shared reranking) or date;
- :mod:`.backend` is the engine: indexing and the protocol of ``SearchBackend``.

Text search configurations, all folding diacritics with ``unaccent``: the transcript (the
original) is analysed in its document's language, ``chancery_russian`` for Russian
(Russian stems for Cyrillic words, English stems for ASCII ones), ``chancery_english`` for
English or untagged documents and ``chancery_simple`` (no stemming) for the other
languages; title, summary, names and translation (the archive's descriptive language) use
``chancery_english``, or ``chancery_russian`` on a Russian document. Chinese and Japanese
runs become character bigrams on both sides, as on SQLite.

Highlighting and snippets are shared by every engine (:mod:`chancery.search.snippets`);
``vocabulary`` ("did you mean") reads an unstemmed ``words`` vector with ``ts_stat``.
"""

from .backend import PostgresBackend

__all__ = ["PostgresBackend"]
