"""What the revision being made is: its note, review state, event and import.

Views and importers say it with :func:`revision_info`; the revision's info row is written
from it when django-reversion commits the revision (signals.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

_info: ContextVar[dict | None] = ContextVar("chancery-revision-info", default=None)


def current() -> dict:
    values = dict(_info.get() or {})
    values.setdefault("event", "edit")
    return values


@contextmanager
def revision_info(**values):
    """Within this block, revisions are made with these values (note, state, event, source)."""
    token = _info.set({**(_info.get() or {}), **values})
    try:
        yield
    finally:
        _info.reset(token)


def update(**values) -> None:
    """Add to the values of the enclosing :func:`revision_info` block (a note typed in a form)."""
    info = _info.get()
    if info is not None:
        info.update(values)
