"""ORM queries compiled to SQL once, then run again with other values.

Building and compiling a queryset costs Django 0.3 to 2 ms of Python for a query the
database answers in microseconds, and a search selecting a type or a collection asks
several such queries the first time (which values the public may see, their pks, the
collection's subtree). A prepared query is an ordinary queryset written over stand-in
values: its SQL is compiled once per database vendor and number of values, and each run
binds the real ones in their places. The queryset stays the one statement of what is
asked; this only saves building it again.

``build`` takes text values and returns a ``values_list`` (not flat) of plain columns
(text, integers): the rows come as the database gives them, without the ORM's converters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections, router
from django.db.models import Model, QuerySet

#: A stand-in for a value, told apart from every other parameter of a query.
_MARK = "\x00chancery-prepared-{}\x00"
#: Statements are kept for up to this many values (a search selects a few; a request
#: naming hundreds, which a URL allows, is built by the ORM each time, and keeps nothing).
KEPT_UP_TO = 16


class Prepared:
    """``build(values)``'s rows, for any text values (slugs, codes)."""

    def __init__(self, model: type[Model], build: Callable[[list[str]], QuerySet]):
        self.model = model
        self.build = build
        #: (vendor, number of values) -> (sql, parameters, which value each parameter is or
        #: -1), or None where the values could not be told apart (the ORM runs each time).
        self._compiled: dict[tuple[str, int], tuple[str, list, list[int]] | None] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str, n: int) -> tuple[str, list, list[int]] | None:
        place = {_MARK.format(i): i for i in range(n)}
        sql, params = self.build(list(place)).using(using).query.get_compiler(using).as_sql()
        slots = [place.get(p, -1) if isinstance(p, str) else -1 for p in params]
        if sorted(s for s in slots if s >= 0) != list(range(n)):  # each value exactly once
            return None
        return sql, list(params), slots

    def rows(self, values: Sequence) -> list[tuple]:
        """The query's rows for these values (none asked: none found)."""
        values = list(values)
        if not values:
            return []
        using = router.db_for_read(self.model)
        connection = connections[using]
        key = (connection.vendor, len(values))
        if key not in self._compiled and len(values) <= KEPT_UP_TO:
            with self._lock:
                if key not in self._compiled:
                    self._compiled[key] = self._compile(using, len(values))
        compiled = self._compiled.get(key)
        if compiled is None:
            query = self.build(values).using(using).query
            sql, bound = query.get_compiler(using).as_sql()
        else:
            sql, params, slots = compiled
            bound = [values[s] if s >= 0 else p for p, s in zip(params, slots, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            return cursor.fetchall()
