"""One call of an engine run on another native thread while the request goes on.

A search page needs two things of the engine that do not depend on each other: the
ranked hits (then their rows, snippets and marks) and the aggregation of every match for
the facets and years. The Tantivy binding releases the GIL while it searches or
aggregates, so the aggregation can run on the second core while the request ranks its
hits, and is waited for only when the page lists its facets (bench/README.md, "Session
16"). It takes no less CPU: it shortens the time a reader waits, not the work a busy
server does.

The call runs on a native thread under every worker class: under gevent (the default of
``chancery serve``, where ``threading`` is a greenlet) on the hub's pool of native
threads, elsewhere on a small pool of this process's own. What runs there must not touch
the database (a thread has a connection of its own, outside the request's transaction)
or anything kept per request: only the engine's own calls, and pure work on what they
return (the facets' buckets turned into counts).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

#: Native threads of this process's own pool (what gthread's or sync's requests share).
THREADS = 4

_pools: dict[int, ThreadPoolExecutor] = {}
_lock = threading.Lock()


class Pending:
    """What :func:`start` returns: :meth:`result` waits for the call, then gives its value
    or raises what it raised."""

    def __init__(self, waiter: Callable[[], Any]):
        self._wait = waiter

    def result(self) -> Any:
        return self._wait()


def start(call: Callable[..., Any], *args: Any) -> Pending:
    """``call(*args)`` begun on a native thread."""
    if _under_gevent():
        from gevent import get_hub

        task = get_hub().threadpool.spawn(call, *args)
        return Pending(task.get)
    return Pending(_pool().submit(call, *args).result)


def _under_gevent() -> bool:
    if "gevent" not in sys.modules:
        return False
    from gevent import monkey

    return bool(monkey.is_module_patched("threading"))


def _pool() -> ThreadPoolExecutor:
    """This process's pool, made after any fork (a pool's threads are not inherited)."""
    pid = os.getpid()
    pool = _pools.get(pid)
    if pool is None:
        with _lock:
            pool = _pools.get(pid)
            if pool is None:
                _pools.clear()
                pool = _pools[pid] = ThreadPoolExecutor(THREADS, "chancery-engine")
    return pool
