"""Conditional GET and a page cache for anonymous readers, both keyed by the archive's
content stamp (issue 18).

The stamp (:func:`content_stamp`) changes with every committed write, whatever made it —
an edit in the admin, an import's bulk writes, a restore, a reindex of a search index kept
beside the database:

- SQLite: the size, modification time and inode of the database file and its write-ahead
  log (a commit appends to the log, a checkpoint writes the file), and of a search index
  folder beside it (Tantivy's ``meta.json`` is replaced on each commit). File times tick
  in steps of a few milliseconds, so a stamp whose newest file changed in the last
  :data:`SETTLING_NS` is not trusted: that request is neither cached nor given an ETag (a
  second write in the same tick cannot then hide behind the first's stamp).
- PostgreSQL: a counter of committed writes, one row that triggers move as a transaction
  that wrote to a table a reader's pages show commits (migration ``web
  0001_postgres_content_stamp``: statement-level triggers, so a bulk import's statement
  counts once, and the row is updated only at commit, so writers never wait on each other
  for it); a transaction's own uncommitted writes give it a stamp of its own. Reading it
  is one primary-key read, from the database the request reads: a replica's counter is
  as far as its replay, and keys only what was rendered from that replica. The cluster,
  its timeline and the database's id are part of the stamp (read once per connection),
  so a restore never brings back a value whose pages were kept before it.

Writes that change nothing a reader sees (a login, the job queue) move the stamp too on
SQLite: the caches are then merely emptied early, never stale (on PostgreSQL only the
tables a reader sees count). The stamp is read before the view and again after it: a page
(or a count for :func:`remember`) during whose making a write committed is neither kept
nor given an ETag, so nothing newer is kept under an older stamp, nor older under a newer
one (each stamp read sees every write committed before it, on one database or replica).
A kept page or a 304 costs one stamp read; a page rendered, two.

:class:`FreshnessMiddleware` (innermost, just around the views) applies to the public
pages (namespace ``web``), the JSON API and the SRU/OpenSearch endpoints, for GET and HEAD
from anonymous readers:

- a weak ``ETag`` made of the stamp and the URL (scheme and host included: pages hold
  absolute links), with ``Cache-Control: no-cache`` (a browser or proxy keeps the page and
  asks each time) and ``Vary: Cookie``; a request whose
  ``If-None-Match`` holds it gets ``304 Not Modified`` before any view runs;
- the page itself kept in this process's memory (``CHANCERY_PAGE_CACHE_MB`` at most, least
  recently used dropped first) under the stamp and the URL, so the same URL asked again
  before the next write is answered without running the view.

A signed-in user (an editor may see drafts) gets neither: ``Cache-Control: private,
no-store`` and no ETag. A response that sets a cookie, holds a CSRF token, or is not a
plain 200, is neither kept nor given an ETag.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, router
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

from chancery.corpus.models import Document

#: URL namespaces whose GET answers depend only on the URL and the archive's content.
NAMESPACES = {"web", "api", "srv"}
#: Views of those namespaces left alone: the basket's list comes from the browser; the
#: OpenAPI document is made from code, not from the archive (it has its own body ETag).
EXCLUDED = {"web:basket", "web:basket-export", "api:openapi"}
#: A stamp whose newest file changed more recently than this is not trusted (file times
#: tick in steps of a few milliseconds on Linux).
SETTLING_NS = 50_000_000
#: The largest page kept (the memory of all is ``settings.PAGE_CACHE_BYTES``).
PAGE_MAX_BYTES = 2 * 1024 * 1024


def _file_parts(path: Path | str, now: int, parts: list) -> bool:
    """Append ``path``'s identity, size and time; False when it changed too recently."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        parts.append(None)
        return True
    if now - st.st_mtime_ns < SETTLING_NS:
        return False
    parts.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return True


def _index_files() -> list[str]:
    """The search index folders kept beside the database (Tantivy), and their meta files
    (plain strings: read twice a request)."""
    try:
        folders = sorted(e.path for e in os.scandir(settings.SEARCH_INDEX_DIR) if e.is_dir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [p for folder in folders for p in (folder, os.path.join(folder, "meta.json"))]


def index_stamp() -> str | None:
    """The search index files' :func:`file_stamp` (what an index kept outside the database
    changes with)."""
    return file_stamp(_index_files())


def file_stamp(paths) -> str | None:
    """The identity, size and time of these files (absent ones count as absent); None when
    one changed within :data:`SETTLING_NS`."""
    now = time.time_ns()
    parts: list = []
    for path in paths:
        if not _file_parts(path, now, parts):
            return None
    return repr(parts)


#: Writes run on a database in memory, counted by :func:`_count_writes`.
_WRITES = [0]
#: A statement that writes to a table of the archive (not a connection's temporary one).
_WRITE = re.compile(
    r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
    r"\s+(?!temp\.)",
    re.IGNORECASE,
)


def _count_writes(execute, sql, params, many, context):
    if _WRITE.match(sql):
        _WRITES[0] += 1
    return execute(sql, params, many, context)


def count_memory_writes(sender, connection, **kwargs) -> None:
    """Count the writes of a connection to a database in memory, which has no file to
    stamp (connected to ``connection_created`` by the app)."""
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if in_memory and _count_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_writes)


def content_stamp() -> str | None:
    """A text that changes with every committed write to the archive; None when it cannot
    be trusted now (a write within the last few milliseconds, or a database error)."""
    alias = router.db_for_read(Document)
    connection = connections[alias]
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():  # type: ignore[attr-defined]
            # A database in memory (the tests) has no file: its writes are counted as the
            # connection runs them (bulk and raw ones included).
            count_memory_writes(None, connection)
            index = index_stamp()
            return None if index is None else f"memory:{_WRITES[0]}:{index}"
        name = str(connection.settings_dict["NAME"])
        return file_stamp([name, f"{name}-wal", *_index_files()])
    if connection.vendor == "postgresql":
        return _counter_stamp(connection)
    return None


#: The counter of committed writes (chancery/web/migrations/0001_postgres_content_stamp),
#: and what this transaction has written and not yet committed (its own reads see it).
_COUNTER_SQL = (
    "SELECT epoch, writes, current_setting('chancery.content_written', true) "
    "FROM chancery_content_stamp WHERE id = 1"
)
#: Which cluster, history and database the counter counts in: a restore (a dump into a new
#: database or cluster, a point in time on a new timeline) starts the counter again from
#: an older value, under which pages of before the restore must not be found. The same
#: for a primary and its streaming replicas; read once per connection.
_IDENTITY_SQL = (
    "SELECT (SELECT system_identifier FROM pg_control_system()), "
    "(SELECT timeline_id FROM pg_control_checkpoint()), "
    "(SELECT oid FROM pg_database WHERE datname = current_database())"
)


def read_identity(sender, connection, **kwargs) -> None:
    """Read a new PostgreSQL connection's :data:`_IDENTITY_SQL` (connected to
    ``connection_created`` by the app; read again by :func:`_counter_stamp` if missing)."""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(_IDENTITY_SQL)
            identity = ":".join(map(str, cursor.fetchone()))
    except DatabaseError:  # the stamp reads it again, or gives none
        return
    connection._chancery_identity = (connection.connection, identity)


def _counter_stamp(connection) -> str | None:
    """PostgreSQL: the counter its triggers move as writes commit, read from the database
    the request reads (a replica's counter is as far as its replay: it keys what was
    rendered from that replica)."""
    try:
        with connection.cursor() as cursor:
            known = getattr(connection, "_chancery_identity", None)
            if known is None or known[0] is not connection.connection:
                read_identity(None, connection)
                known = getattr(connection, "_chancery_identity", None)
                if known is None or known[0] is not connection.connection:
                    return None
            cursor.execute(_COUNTER_SQL)
            row = cursor.fetchone()
    except DatabaseError:  # not migrated yet, or the database went away
        return None
    if row is None:
        return None
    epoch, writes, own = row
    stamp = f"pg:{known[1]}:{epoch}:{writes}"
    return f"{stamp}:{own}" if own else stamp


_request_stamp: ContextVar[str | None] = ContextVar("chancery_request_stamp", default=None)
#: What :func:`remember` computed during this request, kept when the request ends if the
#: stamp read after the view is still the one read before it.
_request_memo: ContextVar[dict | None] = ContextVar("chancery_request_memo", default=None)
#: The stamp read after the view (read once): [stamp], or None before it is read.
_request_after: ContextVar[list | None] = ContextVar("chancery_request_after", default=None)
#: Values computed from the archive, kept until its stamp moves: {key: value}.
_MEMO: dict = {"stamp": None, "values": {}}
_memo_lock = threading.Lock()


def _unchanged(stamp: str) -> bool:
    """Whether the stamp read now (once per request) is still ``stamp``: no write committed
    since it was read, so what was read meanwhile is exactly the archive under it."""
    after = _request_after.get()
    if after is None:
        after = [content_stamp()]
        _request_after.set(after)
    return after[0] == stamp


def _keep(stamp: str, values: dict) -> None:
    with _memo_lock:
        if _MEMO["stamp"] != stamp:
            _MEMO["stamp"], _MEMO["values"] = stamp, {}
        _MEMO["values"].update(values)


def remember(key, compute):
    """``compute()``'s value, kept in this process until the next write to the archive (the
    same key asked again under the same content stamp is not computed again). For what many
    pages or requests share and costs a scan at scale: counts by year, type, collection.
    A value computed while a write committed is not kept (the stamp is read again after)."""
    request_stamp = _request_stamp.get()
    stamp = request_stamp or content_stamp()
    if stamp is None:
        return compute()
    pending = _request_memo.get() if request_stamp else None
    with _memo_lock:
        if _MEMO["stamp"] == stamp and key in _MEMO["values"]:
            return _MEMO["values"][key]
    if pending is not None and key in pending:
        return pending[key]
    value = compute()
    if pending is not None:  # kept as the request ends (FreshnessMiddleware)
        pending[key] = value
    elif content_stamp() == stamp:
        _keep(stamp, {key: value})
    return value


#: Searches whose facets and histogram are kept (:func:`remember_recent`), most recent.
RECENT_MOST = 256
_RECENT: dict = {"stamp": None, "values": OrderedDict()}


class _RecentlyUsed:
    """As :func:`remember`, for what one search (not every page) reuses: only the ``most``
    most recently used values are kept (each distinct search would add one). Called as
    ``remember_recent(key, compute)``; ``remember_recent.holds(key)`` tells, without
    computing anything, whether a value is kept (the search page then does not start the
    engine on what it would compute)."""

    def __call__(self, key, compute, most: int = RECENT_MOST):
        stamp = _request_stamp.get() or content_stamp()
        if stamp is None:
            return compute()
        values = _RECENT["values"]
        with _memo_lock:
            if _RECENT["stamp"] == stamp and key in values:
                values.move_to_end(key)
                return values[key]
        value = compute()
        with _memo_lock:
            if _RECENT["stamp"] != stamp:
                _RECENT["stamp"], _RECENT["values"] = stamp, OrderedDict()
            values = _RECENT["values"]
            values[key] = value
            while len(values) > most:
                values.popitem(last=False)
        return value

    def holds(self, key) -> bool:
        stamp = _request_stamp.get() or content_stamp()
        with _memo_lock:
            return stamp is not None and _RECENT["stamp"] == stamp and key in _RECENT["values"]


remember_recent = _RecentlyUsed()


def forget(searches_only: bool = False) -> None:
    """Drop every value kept by :func:`remember` and :func:`remember_recent` (a test's
    rolled-back writes leave the stamp where it was); ``searches_only``: only what
    :func:`remember_recent` keeps for one search, not the archive's shared counts."""
    with _memo_lock:
        if not searches_only:
            _MEMO["stamp"], _MEMO["values"] = None, {}
        _RECENT["stamp"], _RECENT["values"] = None, OrderedDict()


class _Pages:
    """Pages kept in this process: {(stamp, url): (status, headers, body)}, bounded."""

    def __init__(self):
        self.size = 0
        self.stamp: str | None = None
        self.entries: OrderedDict[str, tuple[list, bytes]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, stamp: str, url: str):
        with self.lock:
            if stamp != self.stamp:
                return None
            found = self.entries.get(url)
            if found is not None:
                self.entries.move_to_end(url)
            return found

    def put(self, stamp: str, url: str, headers: list, body: bytes) -> None:
        with self.lock:
            if stamp != self.stamp:  # the archive changed: every kept page is old
                self.entries.clear()
                self.stamp, self.size = stamp, 0
            old = self.entries.pop(url, None)
            if old is not None:
                self.size -= len(old[1])
            self.entries[url] = (headers, body)
            self.size += len(body)
            while self.size > settings.PAGE_CACHE_BYTES and self.entries:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.stamp, self.size = None, 0


PAGES = _Pages()


def _etag(stamp: str, url: str) -> str:
    digest = hashlib.blake2b(f"{stamp}\n{url}".encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def _applies(request) -> bool:
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and match is not None
        and match.namespace in NAMESPACES
        and match.view_name not in EXCLUDED
    )


def _anonymous(request) -> bool:
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _not_modified(request, etag: str) -> bool:
    wanted = request.headers.get("If-None-Match")
    if not wanted:
        return False
    tags = parse_etags(wanted)
    # Weak comparison (RFC 9110, 13.1.2), as If-None-Match uses.
    return "*" in tags or any(t.removeprefix("W/") == etag.removeprefix("W/") for t in tags)


def _revalidate(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


class FreshnessMiddleware:
    """ETags, 304s and kept pages for anonymous readers (see the module's text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_stamp.set(None)
        memo, after = _request_memo.set({}), _request_after.set(None)
        try:
            response = self._respond(request)
            stamp, values = _request_stamp.get(), _request_memo.get()
            if stamp is not None and values and _unchanged(stamp):
                _keep(stamp, values)
            return response
        finally:
            _request_stamp.reset(token)
            _request_memo.reset(memo)
            _request_after.reset(after)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _applies(request):
            return None
        if not _anonymous(request):
            request._chancery_private = True
            return None
        stamp = content_stamp()
        if stamp is None:
            return None
        _request_stamp.set(stamp)  # what remember() keys by, read once per request
        # scheme and host too: pages hold absolute links (citations, permalinks)
        url = request.build_absolute_uri()
        etag = _etag(stamp, url)
        request._chancery_fresh = (stamp, url, etag)
        if _not_modified(request, etag):
            response = _revalidate(HttpResponseNotModified(), etag)
            if request.resolver_match.namespace != "web":
                response["Access-Control-Allow-Origin"] = "*"
            return response
        keeping = request.method == "GET" and settings.PAGE_CACHE_BYTES > 0
        kept = PAGES.get(stamp, url) if keeping else None
        if kept is not None:
            headers, body = kept
            response = HttpResponse(body)
            for name, value in headers:
                response[name] = value
            response._chancery_kept = True  # type: ignore[attr-defined]
            return response
        return None

    def _respond(self, request):
        response = self.get_response(request)
        if getattr(request, "_chancery_private", False):
            if response.status_code == 200 and not response.has_header("Cache-Control"):
                response.headers.pop("ETag", None)
                add_never_cache_headers(response)
                patch_cache_control(response, private=True)
            return response
        fresh = getattr(request, "_chancery_fresh", None)
        if (
            fresh is None
            or response.status_code != 200
            or response.streaming
            or getattr(response, "_chancery_kept", False)
            or response.cookies  # never keep a page that sets a cookie
            # nor one holding a CSRF token: the token is this reader's own (its cookie
            # is only set further out, by CsrfViewMiddleware, after this middleware)
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or response.has_header("Cache-Control")  # a view that says how to keep it
        ):
            return response
        stamp, url, etag = fresh
        if not _unchanged(stamp):  # a write committed during the rendering
            return response
        response.headers.pop("ETag", None)  # a body hash (the API's) gives way to the stamp
        _revalidate(response, etag)
        size = len(response.content)
        if request.method == "GET" and size <= min(PAGE_MAX_BYTES, settings.PAGE_CACHE_BYTES):
            PAGES.put(stamp, url, list(response.items()), response.content)
        return response
