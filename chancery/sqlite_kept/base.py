"""Django's SQLite engine, keeping the SQLite connections it opens on a database file for
the next request of the process (``ENGINE = "chancery.sqlite_kept"``, set by
``chancery/settings.py`` for SQLite).

Django opens a database connection per request (``CONN_MAX_AGE = 0``: under gevent each
request runs in a greenlet of its own, whose persistent connection would be left behind).
Opening one costs ~0.8 ms of CPU (the file opened, ~40 SQL functions registered, six
PRAGMAs — WAL, busy timeout, foreign keys —, and at close the write-ahead log's index
unmapped), a tenth of a search over HTTP. Here Django's wrapper stays per request, but the
SQLite connection under it comes from a small pool of this process and goes back to it
when Django closes the wrapper, so whatever the worker class (gevent, gthread, sync) a
request reuses a connection set up before. A connection is only kept when it is safe to:

- **no transaction open**: one left inside a transaction (an error in ``atomic``) is
  closed, so a kept connection starts each request in autocommit and, in WAL mode, reads
  the last commit of every process (an import, another worker's save);
- **the same file**: a connection is taken again only if the database's path still names
  the file it opened (same device and inode): a backup copied or moved into place, or a
  file deleted and created again, gets a new connection, never the old file's;
- **the same settings** (path, busy timeout, PRAGMAs) and **the same process** (a pool
  inherited through ``fork`` is dropped, not used);
- at most :data:`KEPT` connections a database and process (the requests a worker runs at
  once: four under gevent, its threads under gthread); the rest are closed.

A database in memory (the tests) is Django's as before. PostgreSQL keeps Django's own
``CONN_MAX_AGE`` (docs/postgresql.md).
"""

from __future__ import annotations

import contextlib
import os
import threading

from django.db.backends.sqlite3 import base

#: Connections kept a database, per process.
KEPT = 8

_lock = threading.Lock()
#: {(database path, settings): [(pid, (device, inode), sqlite3 connection), …]}
_pool: dict[tuple, list[tuple[int, tuple[int, int], object]]] = {}


def _identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _close_quietly(connection) -> None:
    # A connection broken already is gone either way.
    with contextlib.suppress(Exception):
        connection.close()


def forget() -> None:
    """Close every connection kept by this process (tests; after a restore in place)."""
    with _lock:
        kept = [entry for entries in _pool.values() for entry in entries]
        _pool.clear()
    pid = os.getpid()
    for owner, _, connection in kept:
        if owner == pid:
            _close_quietly(connection)


class DatabaseWrapper(base.DatabaseWrapper):
    #: Where this wrapper's connection may be kept: (path, settings), and the file it opened.
    _kept_as: tuple | None = None
    _kept_file: tuple[int, int] | None = None

    def get_new_connection(self, conn_params):
        self._kept_as = self._kept_file = None
        if self.is_in_memory_db():
            return super().get_new_connection(conn_params)
        path = str(conn_params.get("database"))
        key = (path, repr(sorted(conn_params.items())), tuple(self.init_commands))
        identity = _identity(path)
        pid = os.getpid()
        with _lock:
            entries = _pool.get(key, [])
            while entries:
                owner, opened, connection = entries.pop()
                if owner != pid:  # inherited through fork: never used (nor closed) here
                    entries.clear()
                    break
                if opened == identity and identity is not None:
                    self._kept_as, self._kept_file = key, opened
                    return connection
                _close_quietly(connection)  # the path names another file now
        connection = super().get_new_connection(conn_params)
        if identity is not None and identity == _identity(path):
            self._kept_as, self._kept_file = key, identity
        return connection

    def _close(self):
        connection, key = self.connection, self._kept_as
        self._kept_as = None
        if connection is None or key is None or connection.in_transaction:
            return super()._close()
        connection.set_progress_handler(None, 0)  # a search's time limit, if left behind
        with _lock:
            entries = _pool.setdefault(key, [])
            if len(entries) < KEPT:
                entries.append((os.getpid(), self._kept_file, connection))
                return None
        return super()._close()
