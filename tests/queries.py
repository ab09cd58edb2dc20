"""How many database queries a search may take on the engine in use."""

from django.db import connection

from chancery.search.backends import get_backend
from chancery.search.facets import FACETS


def search_query_bound() -> int:
    """The most queries one search page may take, whatever its hits and facets.

    One statement for the count, every facet and the histogram (PostgreSQL): name expansion
    1, that statement 1, ranking 2 (the query terms' lexemes with their document
    frequencies for BM25, then the candidates), hits 1 (each with its first collection),
    their texts 1, the hits' provenance (those collections with their parents) 1, and 2 for
    the time limit around them (SET statement_timeout, RESET: see
    chancery/search/budget.py). Otherwise one query a facet
    (the ORM; an engine counting by itself reads a facet's labels) on top of: name expansion
    1, the match set held once in a temporary table 3 (create-if-missing, empty, fill: its
    row count is the total), ranking 1, hits 1, their texts 1, the year histogram 1 and the
    hits' provenance 1. Either way, a search that finds little asks how many documents
    hold a typed word before it widens it to close spellings (chancery/search/similar.py) 1.
    On PostgreSQL the page also reads the archive's content stamp before and after the
    view (chancery/web/freshness.py) 2.
    """
    stamp = 2 if connection.vendor == "postgresql" else 0
    if get_backend().summary_in_one_statement:
        return 10 + stamp
    return 10 + len(FACETS) + stamp


def settled() -> None:
    """Wait until the archive's content stamp can be trusted (chancery/web/freshness.py: a
    file written in the last few milliseconds is not), so a warm-up request fills what a
    process keeps until the next write and the request measured after it finds it kept."""
    import time

    from chancery.web.freshness import content_stamp

    for _ in range(200):
        if content_stamp() is not None:
            return
        time.sleep(0.01)


def nothing_kept(searches_only: bool = False) -> None:
    """Forget what this process keeps until the next write: the searches' lookups
    (chancery.search.kept), a search's facets and, unless ``searches_only``, the browse
    counts every page shares (chancery.web.freshness). A query count taken after
    ``nothing_kept(searches_only=True)`` is the count of a search nobody asked before."""
    from chancery.search import kept
    from chancery.web import freshness

    freshness.forget(searches_only)
    kept.forget()
