"""The cost budget of one search request: every limit in one place, the same on every engine.

A query is cut down to the budget before any engine sees it (:func:`limit_query`, then
:func:`limit_variants` after name-variant expansion), so SQLite FTS5, Tantivy and
PostgreSQL get the same bounded query. What is over the budget is answered in one of two
ways, chosen per case (docs/search.md lists them):

* **relaxed, and the page says so** (a note beside the results): too many words (the first
  ``MAX_GROUPS`` are searched), too many ``OR`` alternatives or exclusions, a prefix shorter
  than ``MIN_PREFIX`` letters or beyond the first ``MAX_PREFIXES`` (searched as the word
  itself), too many name variants (the first ``MAX_VARIANTS`` forms);
* **refused with a 400 naming the limit** (:class:`OverBudget`): a prefix matching more than
  ``MAX_PREFIX_EXPANSIONS`` different words of the index, a page beyond ``MAX_WINDOW``
  results, more than ``MAX_PER_PAGE`` results per page (``MAX_WILSON_PER_PAGE`` on /srv/).

Highlighting is bounded too: at most ``MAX_HIGHLIGHT_TERMS`` words are marked, at most
``MAX_HIGHLIGHT_SPANS`` matches are looked at per text, and a snippet reads at most
``MAX_SNIPPET_TEXT`` characters of a text layer.

Whatever still runs long is ended by :func:`time_limit` (``CHANCERY_SEARCH_TIMEOUT``
seconds): SQLite through the connection's progress handler, PostgreSQL through
``statement_timeout``, the Python side (and so Tantivy, whose binding has no timeout) by
:func:`check` between steps. The request is then answered 503 with ``Retry-After`` by
:class:`SearchTimeoutMiddleware`; the worker goes on serving.
"""

from __future__ import annotations

import contextlib
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections, router
from django.http import HttpResponse
from django.shortcuts import render

from chancery.api.errors import json_error
from chancery.corpus.models import Document

from .query import ParsedQuery, Term

#: Word groups searched (a word, a phrase, a ``title:`` term or words joined by OR).
MAX_GROUPS = 12
#: Alternatives in one OR group, as typed.
MAX_ALTERNATIVES = 8
#: ``-word`` / ``NOT word`` exclusions.
MAX_EXCLUDED = 8
#: Letters a prefix needs before its ``*``; a shorter one is searched as the word itself.
MIN_PREFIX = 3
#: Prefix terms (``nation*``) in one query; later ones are searched as the word itself.
MAX_PREFIXES = 3
#: Different words of the index one prefix may stand for; more is refused (400).
MAX_PREFIX_EXPANSIONS = 300
#: Other forms a name adds by variant expansion ("Peking" for "Beijing").
MAX_VARIANTS = 8
#: Other spellings a name adds by rule (``romanise``: "Tseng Chi-tse" for "Zeng Jize"),
#: after the variants table's.
MAX_GENERATED = 8
#: Results per page (``per_page``), on every route but the Wilson API.
MAX_PER_PAGE = 100
#: The Wilson API's ``itemsPerPage``: its client (``digitalarchive``) always asks for 200
#: and takes a first page holding the whole total as complete, so fewer would lose hits.
#: Its hits carry no snippets, so 200 of them cost less than 100 on the search page.
MAX_WILSON_PER_PAGE = 200
#: The deepest result reachable: page × per_page (offset + limit).
MAX_WINDOW = 10_000
#: Distinct words marked in a hit's title, summary and snippet.
MAX_HIGHLIGHT_TERMS = 24
#: Matches looked at in one text for marking and choosing passages.
MAX_HIGHLIGHT_SPANS = 200
#: Characters of one text layer read to find a snippet (the head is read first).
MAX_SNIPPET_TEXT = 200_000


class OverBudget(ValueError):
    """The request asks for more than the budget allows; answered 400 naming ``param``."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param, self.message = param, message


class SearchTimeout(Exception):
    """The search ran past ``CHANCERY_SEARCH_TIMEOUT``; answered 503 with Retry-After."""


def check_window(page: int, per_page: int, *, page_param: str = "page") -> None:
    """Refuse a page beyond the result window (400)."""
    if page * per_page > MAX_WINDOW:
        last = MAX_WINDOW // per_page
        raise OverBudget(
            page_param,
            f"Only the first {MAX_WINDOW:,} results can be paged through "
            f"(page {last} at {per_page} a page); narrow the search or change its order.",
        )


def _word(term: Term) -> Term:
    return Term(term.text, phrase=term.phrase, prefix=False, field=term.field)


def limit_query(parsed: ParsedQuery, backend=None) -> ParsedQuery:
    """``parsed`` cut down to the budget, with a note for each cut; raises
    :class:`OverBudget` for a prefix that stands for too many words of the index."""
    notes = parsed.notes
    if len(parsed.groups) > MAX_GROUPS:
        notes.append(
            f"Only the first {MAX_GROUPS} of the {len(parsed.groups)} words or phrases "
            "were searched."
        )
        parsed.groups = parsed.groups[:MAX_GROUPS]
    if len(parsed.excluded) > MAX_EXCLUDED:
        notes.append(f"Only the first {MAX_EXCLUDED} exclusions were applied.")
        parsed.excluded = parsed.excluded[:MAX_EXCLUDED]
    for i, group in enumerate(parsed.groups):
        if len(group) > MAX_ALTERNATIVES:
            shown = " OR ".join(str(t) for t in group[:2])
            notes.append(
                f"“{shown} OR …” has {len(group)} alternatives: "
                f"the first {MAX_ALTERNATIVES} were searched."
            )
            parsed.groups[i] = group[:MAX_ALTERNATIVES]
    prefixes = 0
    short, extra = [], []
    for terms in [*parsed.groups, parsed.excluded]:
        for j, term in enumerate(terms):
            if not term.prefix:
                continue
            if len(term.text) < MIN_PREFIX:
                short.append(str(term))
                terms[j] = _word(term)
            elif prefixes >= MAX_PREFIXES:
                extra.append(str(term))
                terms[j] = _word(term)
            else:
                prefixes += 1
                _check_expansions(term, backend)
    if short:
        notes.append(
            f"{_listed(short)}: a prefix search needs at least {MIN_PREFIX} letters before "
            "the *; searched for the word itself."
        )
    if extra:
        notes.append(
            f"Only {MAX_PREFIXES} prefix searches are made per query: {_listed(extra)} "
            "searched for the word itself."
        )
    _recount_min_match(parsed)
    return parsed


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:5])
    return shown + (f" and {len(items) - 5} more" if len(items) > 5 else "")


def _recount_min_match(parsed: ParsedQuery) -> None:
    if not parsed.min_match:
        return
    plain = [g for g in parsed.groups if not any(t.field for t in g)]
    parsed.min_match = (
        len(parsed.groups) - (len(plain) - (len(plain) // 2 + 1)) if len(plain) >= 3 else 0
    )


def _check_expansions(term: Term, backend) -> None:
    if backend is None:
        return
    n = backend.prefix_expansions(term.text, MAX_PREFIX_EXPANSIONS + 1)
    if n > MAX_PREFIX_EXPANSIONS:
        raise OverBudget(
            "q",
            f"“{term}” matches more than {MAX_PREFIX_EXPANSIONS} different words in the "
            "archive: type more letters before the *.",
        )


def limit_variants(parsed: ParsedQuery) -> ParsedQuery:
    """At most ``MAX_VARIANTS`` other forms per name (the page lists those searched)."""
    cut = False
    for i, group in enumerate(parsed.groups):
        variants = [t for t in group if t.variant and not t.generated]
        generated = [t for t in group if t.generated][:MAX_GENERATED]
        if len(variants) > MAX_VARIANTS:
            keep = set(variants[:MAX_VARIANTS])
            parsed.groups[i] = [t for t in group if not t.variant or t in keep or t in generated]
            cut = True
    if cut:
        parsed.expansions = [(typed, others[:MAX_VARIANTS]) for typed, others in parsed.expansions]
        parsed.notes.append(f"Only the first {MAX_VARIANTS} other forms of a name were searched.")
    return parsed


# --- the time limit ----------------------------------------------------------------------

_state = threading.local()
#: SQLite virtual-machine instructions between two looks at the clock.
PROGRESS_STEPS = 20_000


def timeout_seconds() -> float:
    return float(getattr(settings, "SEARCH_TIMEOUT", 0) or 0)


def check() -> None:
    """Raise :class:`SearchTimeout` when the running request's time is up (Python side)."""
    deadline = getattr(_state, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise SearchTimeout(_message())


def _message() -> str:
    return (
        f"This search took longer than {timeout_seconds():g} seconds and was stopped. "
        "Try fewer or longer words, or try again in a moment."
    )


@contextlib.contextmanager
def time_limit(seconds: float | None = None):
    """End the queries (not the worker) of the block after ``seconds``
    (default ``CHANCERY_SEARCH_TIMEOUT``; 0: no limit). Nested uses keep the outer one."""
    seconds = timeout_seconds() if seconds is None else seconds
    if not seconds or getattr(_state, "deadline", None) is not None:
        yield
        return
    deadline = time.monotonic() + seconds
    _state.deadline = deadline

    def progress() -> int:
        return 1 if time.monotonic() > deadline else 0

    touched = []
    # Searches read through the router (a replica, when configured): that one is limited
    # as well as the primary and any connection already open.
    reading = {"default", router.db_for_read(Document)}
    try:
        for alias in settings.DATABASES:
            conn = connections[alias]
            if conn.vendor == "sqlite":
                conn.ensure_connection()
                conn.connection.set_progress_handler(progress, PROGRESS_STEPS)
                touched.append(conn)
            elif conn.vendor == "postgresql" and (alias in reading or conn.connection):
                with conn.cursor() as cursor:
                    cursor.execute("SET statement_timeout = %s", [max(1, int(seconds * 1000))])
                touched.append(conn)
        yield
    except DatabaseError as error:
        if time.monotonic() > deadline or _cancelled(error):
            raise SearchTimeout(_message()) from error
        raise
    finally:
        _state.deadline = None
        for conn in touched:
            if conn.connection is None:
                continue
            if conn.vendor == "sqlite":
                conn.connection.set_progress_handler(None, 0)
            else:
                with contextlib.suppress(DatabaseError), conn.cursor() as cursor:
                    cursor.execute("RESET statement_timeout")


def _cancelled(error: DatabaseError) -> bool:
    cause = error.__cause__
    return type(cause).__name__ == "QueryCanceled" or "interrupted" in str(error)


class SearchTimeoutMiddleware:
    """A :class:`SearchTimeout` anywhere in a view becomes a 503 with ``Retry-After``:
    JSON in the APIs' error shape under /api/ and /srv/, a page elsewhere."""

    RETRY_AFTER = 10

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SearchTimeout):
            return None
        message = str(exception)
        response: HttpResponse
        if request.path.startswith(("/api/", "/srv/")) or request.path.endswith(".json"):
            response = json_error(503, message)
            response["Access-Control-Allow-Origin"] = "*"
        else:
            response = render(
                request,
                "web/400.html",
                {"message": message, "field_errors": {}, "search_again": request.GET.get("q")},
                status=503,
            )
        response["Retry-After"] = str(self.RETRY_AFTER)
        return response
