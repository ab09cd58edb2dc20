"""A new archive's tables (#18): ``migrate`` builds the historical models only for the
steps that ask for them and skips the fixes of old rows where there are none; what it
writes is what it wrote before (the shipped name variants, the roles)."""

import importlib
import os
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from chancery.corpus.models import Collection
from chancery.migration_operations import RunPython

LAYERS = importlib.import_module("chancery.search.migrations.0003_search_layers")

#: Three forms of one shipped group, as migration search.0003 loads them (group, name, key,
#: kind, note); the table holds 2,646 forms in 810 groups.
BEIJING = [
    ("Beijing", "beijing", "place", "Pinyin"),
    ("Peking", "peking", "place", "postal"),
    ("Pei-p'ing", "pei ping", "place", "Wade-Giles"),
]
SHIPPED_FORMS, SHIPPED_GROUPS = 2646, 810


def shipped_variants(cursor) -> tuple[int, int, list[tuple]]:
    """(forms, groups, the Beijing rows) of the shipped ("t:") name variants."""
    cursor.execute(
        'SELECT COUNT(*), COUNT(DISTINCT "group") FROM search_nameform WHERE "group" LIKE \'t:%\''
    )
    forms, groups = cursor.fetchone()
    cursor.execute(
        'SELECT "group", "name", "key", "kind", "note" FROM search_nameform '
        'WHERE "group" = (SELECT "group" FROM search_nameform WHERE name = \'Peking\') '
        "ORDER BY id"
    )
    return forms, groups, cursor.fetchall()


def test_a_new_archive_gets_the_shipped_variants_and_the_roles(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k != "CHANCERY_DATABASE_URL"}
    environ["CHANCERY_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "chancery.cli", "migrate", "--no-input"],
        capture_output=True,
        text=True,
        env=environ,
    )
    assert done.returncode == 0, done.stderr
    database = sqlite3.connect(tmp_path / "chancery.sqlite3")
    forms, groups, beijing = shipped_variants(database.cursor())
    assert (forms, groups) == (SHIPPED_FORMS, SHIPPED_GROUPS)
    assert [row[1:] for row in beijing[:2] + beijing[4:5]] == BEIJING
    assert {row[0] for row in beijing} == {"t:119"}
    editors = {
        codename
        for (codename,) in database.execute(
            "SELECT p.codename FROM auth_group g JOIN auth_group_permissions gp "
            "ON gp.group_id = g.id JOIN auth_permission p ON p.id = gp.permission_id "
            "WHERE g.name = 'Editors'"
        )
    }
    assert {"change_document", "submit_document", "view_job"} <= editors
    assert not {"delete_document", "publish_document"} & editors


@pytest.mark.django_db
def test_the_variants_migration_loads_the_same_rows_on_this_engine():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_nameform WHERE \"group\" LIKE 't:%'")
    LAYERS.load_variants(None, connection.schema_editor())
    with connection.cursor() as cursor:
        forms, groups, beijing = shipped_variants(cursor)
    assert (forms, groups) == (SHIPPED_FORMS, SHIPPED_GROUPS)
    assert [row[1:] for row in beijing[:2] + beijing[4:5]] == BEIJING


def _run(step: RunPython, state) -> None:
    step.database_forwards("corpus", connection.schema_editor(), state, state)


@pytest.mark.django_db
def test_a_fix_of_old_rows_runs_on_an_archive_that_has_them_and_not_on_a_new_one():
    seen = []

    def count_collections(apps, schema_editor):
        seen.append(apps.get_model("corpus", "Collection").objects.count())

    step = RunPython(count_collections, fixes_rows_of=("corpus.Collection",))
    state = MigrationLoader(connection).project_state()
    _run(step, state)
    assert seen == []
    Collection.objects.create(title="Records of the Legation", level="fonds")
    _run(step, state)
    assert seen == [1]


@pytest.mark.django_db
def test_a_step_that_runs_sql_builds_no_historical_models_and_one_that_asks_gets_them():
    state = MigrationLoader(connection).project_state()
    _run(RunPython(lambda apps, schema_editor: schema_editor.execute("SELECT 1")), state)
    assert "apps" not in state.__dict__
    found = []
    _run(
        RunPython(lambda apps, schema_editor: found.append(apps.get_model("corpus", "Document"))),
        state,
    )
    assert found[0]._meta.db_table == "corpus_document"


def test_a_fix_naming_no_model_fails_by_name():
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    with pytest.raises(LookupError, match="corpus.nosuchmodel"):
        _run(RunPython(RunPython.noop, fixes_rows_of=("corpus.NoSuchModel",)), state)
