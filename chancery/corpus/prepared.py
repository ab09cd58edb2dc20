"""ORM queries compiled to SQL once, then run again with other values.

Building and compiling a queryset costs Django 0.3 to 2 ms of Python for a query the
database answers in microseconds, and a search selecting a type or a collection asks
several such queries the first time (which values the public may see, their pks, the
collection's subtree). A prepared query is an ordinary queryset written over stand-in
values: its SQL is compiled once per database vendor and number of values, and each run
binds the real ones in their places. The queryset stays the one statement of what is
asked; this only saves building it again.

``build`` returns a ``values_list`` (not flat) of plain columns (text, integers): the rows
come as the database gives them, without the ORM's converters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections, router
from django.db.models import Model, QuerySet

#: Stand-ins for the values, told apart from every other parameter of a query.
_TEXT_MARK = "\x00chancery-prepared-{}\x00"
_NUMBER_MARK = 7_919_000_000_000


class Prepared:
    """``build(values)``'s rows, for any values of one kind (``str`` or ``int``)."""

    def __init__(self, model: type[Model], build: Callable[[list], QuerySet], kind: type = str):
        self.model = model
        self.build = build
        self.kind = kind
        #: (vendor, number of values) -> (sql, parameters, where each value goes), or None
        #: where the values could not be told apart (then the ORM runs every time).
        self._compiled: dict[tuple[str, int], tuple[str, list, list[int]] | None] = {}
        self._lock = threading.Lock()

    def _marks(self, n: int) -> list:
        if self.kind is int:
            return [_NUMBER_MARK + i for i in range(n)]
        return [_TEXT_MARK.format(i) for i in range(n)]

    def _compile(self, using: str, n: int) -> tuple[str, list, list[int]] | None:
        marks = self._marks(n)
        sql, params = self.build(marks).using(using).query.get_compiler(using).as_sql()
        params = list(params)
        slots = [i for i, p in enumerate(params) if type(p) is self.kind and p in marks]
        if sorted(params[i] for i in slots) != sorted(marks):  # each value exactly once
            return None
        order = {mark: place for place, mark in enumerate(marks)}
        return sql, params, [order[params[i]] if i in slots else -1 for i in range(len(params))]

    def rows(self, values: Sequence) -> list[tuple]:
        """The query's rows for these values (none asked: none found)."""
        values = list(values)
        if not values:
            return []
        using = router.db_for_read(self.model)
        connection = connections[using]
        key = (connection.vendor, len(values))
        if key not in self._compiled:
            with self._lock:
                if key not in self._compiled:
                    self._compiled[key] = self._compile(using, len(values))
        compiled = self._compiled[key]
        if compiled is None:
            query = self.build(values).using(using).query
            sql, bound = query.get_compiler(using).as_sql()
        else:
            sql, params, slots = compiled
            bound = [values[s] if s >= 0 else p for p, s in zip(params, slots, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            return cursor.fetchall()
