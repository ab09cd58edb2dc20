"""What a search looks up in the archive, kept in this process until the archive changes.

Every search asks the same few things again: the variants table's forms of its words, how
many documents hold a word, how many are indexed, a collection's subtree, a facet value's
record. Their answers change only with a write, so they are kept under the archive's
content stamp (:func:`chancery.web.freshness.content_stamp`, read once per request by the
freshness middleware), like the counts of :func:`~chancery.web.freshness.remember` — but
bounded: distinct queries between two writes are many, the entries few bytes each. With no
stamp to trust (PostgreSQL until it has one, a write in the last moments) nothing is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

#: Answers kept at most (the least recently used go first).
LIMIT = 20_000
_lock = threading.Lock()
_kept: OrderedDict[Hashable, object] = OrderedDict()
_stamp: list[str | None] = [None]


def current_stamp() -> str | None:
    """The archive's content stamp for this request (None: nothing may be kept)."""
    from chancery.web import freshness

    return freshness._request_stamp.get() or freshness.content_stamp()


def kept(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s value, computed once per ``key`` until the next write."""
    stamp = current_stamp()
    if stamp is None:
        return compute()
    with _lock:
        if _stamp[0] == stamp and key in _kept:
            _kept.move_to_end(key)
            return _kept[key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        if _stamp[0] != stamp:
            _kept.clear()
            _stamp[0] = stamp
        _kept[key] = value
        if len(_kept) > LIMIT:
            _kept.popitem(last=False)
    return value


def forget() -> None:
    with _lock:
        _kept.clear()
        _stamp[0] = None
