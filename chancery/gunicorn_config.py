"""gunicorn hooks for ``chancery serve`` (loaded with ``--config python:chancery.gunicorn_config``).

A worker dies with its master: after a ``kill -9`` of the master its workers would
otherwise live on, keep the port and make the next ``chancery serve`` give up
("Connection in use"). On Linux each worker asks the kernel for SIGKILL when its parent
dies (``PR_SET_PDEATHSIG``), so the port is free again at once. (Elsewhere gunicorn's own
check, a worker noticing its parent changed, remains; ``SO_REUSEPORT`` is not used, so
that starting a second server on a port in use still fails loudly.)

Under gevent (the default of ``chancery serve``), Django's database connections are not
kept between requests and at most ``GEVENT_APP_CONCURRENCY`` requests a worker run in
Django at once (see :func:`post_worker_init`); on SQLite the connection under Django's is
taken from, and given back to, the worker's few kept ones (chancery/sqlite_kept/base.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


#: Requests a gevent worker runs inside Django at once. A slow client never gets this far
#: (gunicorn reads the whole request first), so this bounds database connections
#: (workers x this, one per running request), not the clients a worker holds.
GEVENT_APP_CONCURRENCY = 4


#: What a worker asks itself before it takes its first request (:func:`warm`).
WARM_UP = ("/search/", "q=government")


def warm(application) -> None:
    """One search through the application before the worker's first request: the first
    search of a process loads the URL modules, the gazetteer of place names, the
    templates, the index's searcher and the labels (about 1 s of CPU at 200,000
    documents: bench/README.md, "The new user's trial"), which a reader would otherwise
    wait for. A failure is only logged: the worker serves anyway."""
    import io
    import logging

    from django.conf import settings

    host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")),
                "localhost")  # fmt: skip
    path, query = WARM_UP
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": host, "SERVER_PORT": "443", "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }  # fmt: skip
    try:
        body = application(environ, lambda status, headers, exc_info=None: None)
        for _ in body:
            pass
        getattr(body, "close", lambda: None)()
        from django.db import connections

        connections.close_all()  # a request's own connection is opened in its greenlet
    except Exception:  # noqa: BLE001 — a warm-up must never keep a worker from serving
        logging.getLogger("chancery").exception("worker warm-up failed")


def post_worker_init(worker) -> None:
    """Warm the worker (:func:`warm`). Under gevent each request runs in its own greenlet,
    with its own database connection: connections are closed when the request ends (a
    persistent one would be left behind by its greenlet) and at most
    ``GEVENT_APP_CONCURRENCY`` requests run in the application at once."""
    warm(worker.wsgi)
    if "gevent" not in type(worker).__module__:
        return
    from django.conf import settings
    from gevent.lock import BoundedSemaphore

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0
    gate = BoundedSemaphore(GEVENT_APP_CONCURRENCY)
    application = worker.wsgi

    def gated(environ, start_response):
        with gate:
            return application(environ, start_response)

    worker.wsgi = gated


def post_fork(server, worker) -> None:
    if _die_with_parent() and os.getppid() != server.pid:
        # The master died between the fork and the prctl: nobody will signal us.
        os._exit(0)
