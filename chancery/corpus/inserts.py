"""Many new rows of one model written with one prepared statement.

``bulk_create`` compiles its SQL anew for each batch with a placeholder per value, and
that compilation cost a restore more than the writes themselves (about a sixth of its
CPU, issue 18). :func:`insert` prepares each value as ``bulk_create`` does (the field's
``pre_save`` and ``get_db_prep_save``) and hands the rows to the driver's ``executemany``.
It sends no signals and reads nothing back, as ``bulk_create`` on rows that carry their ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.db import connections, models, router


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Write ``objs``: those with ids under them, the others under ids the database gives,
    which are not read back (their ``pk`` stays ``None``: for rows nothing reads again, such
    as a staged run's records)."""
    for obj in objs:  # an unsaved related object refused, a saved one's id taken, as bulk_create
        obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    _insert(model, [obj for obj in objs if obj.pk is not None], with_ids=True)
    _insert(model, [obj for obj in objs if obj.pk is None], with_ids=False)


def _insert(model: type[models.Model], objs: list[models.Model], with_ids: bool) -> None:
    if not objs:
        return
    opts = model._meta
    connection = connections[router.db_for_write(model)]  # not the proxy: read per value
    fields = [
        f for f in opts.concrete_fields if not f.generated and (with_ids or not f.primary_key)
    ]
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    quote = connection.ops.quote_name
    columns = ", ".join(quote(cast(str, f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({marks})",  # noqa: S608
            rows,
        )
