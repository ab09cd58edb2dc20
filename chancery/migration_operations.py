"""Migration operations for Chancery's own migrations (imported by them by path, like a field).

Django's ``RunPython`` builds every historical model before it calls its code, once the
migration state is "delayed" (after any field added or altered, for the rest of the run):
0.07 s of CPU each time, 22 times in a new archive's ``migrate``. Most of Chancery's
migration code runs SQL through the schema editor and never asks for a model, and the
code that fixes rows written by older releases has none to fix in a new archive.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import router
from django.db.migrations import RunPython as DjangoRunPython
from django.db.migrations.state import ProjectState, StateApps


class AppsOnDemand:
    """The historical app registry of ``state``, built when the code first uses it, as
    Django's ``RunPython`` would have built it before the call."""

    def __init__(self, state: ProjectState) -> None:
        self._state = state
        self._apps: StateApps | None = None

    def __getattr__(self, name: str) -> Any:
        if self._apps is None:
            self._state.clear_delayed_apps_cache()
            self._apps = self._state.apps
        return getattr(self._apps, name)


def on_demand(state: ProjectState) -> StateApps:
    """What the code gets as ``apps``: it answers as the registry does."""
    return cast(StateApps, AppsOnDemand(state))


def tables_of(state: ProjectState, labels: tuple[str, ...]) -> list[str]:
    """The tables of the models ``labels`` name in ``state``: "app" (all its models) or
    "app.Model"; a model's table is Django's default unless its options name one."""
    tables = []
    for (app_label, model_name), model in state.models.items():
        named = app_label in labels or f"{app_label}.{model_name}" in labels
        if named and not model.options.get("proxy") and model.options.get("managed", True):
            tables.append(model.options.get("db_table") or f"{app_label}_{model_name}")
    return tables


def any_rows(schema_editor: Any, tables: list[str]) -> bool:
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 (a name)
            if cursor.fetchone():
                return True
    return False


class RunPython(DjangoRunPython):
    """Django's ``RunPython`` whose code gets the historical models only if it asks for
    them (``apps.get_model``): the same code, run against the same database.

    ``fixes_rows_of``: labels ("corpus", "auth.User") of the models whose existing rows the
    code fixes; it is not run where their tables have no rows (it would change nothing)."""

    def __init__(self, *args: Any, fixes_rows_of: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixes_rows_of = tuple(label.lower() for label in fixes_rows_of)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            return
        if self.fixes_rows_of:
            tables = tables_of(from_state, self.fixes_rows_of)
            if not tables:
                raise LookupError(f"no models {self.fixes_rows_of} in the migration state")
            if not any_rows(schema_editor, tables):
                return
        self.code(on_demand(from_state), schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self.reverse_code is None:
            raise NotImplementedError("You cannot reverse this operation")
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self.reverse_code(on_demand(from_state), schema_editor)
