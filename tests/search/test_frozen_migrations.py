"""Migrations are history: each carries its own SQL and code, none imports today's modules
or calls the indexer; an archive whose index a migration recreated is reindexed after
``migrate``, by today's code on the finished schema."""

import ast
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from chancery.corpus.models import Document
from chancery.search import indexing
from chancery.search.backends import get_backend, sqlite_fts5
from chancery.search.models import NameForm
from chancery.search.query import SearchQuery

pytestmark = pytest.mark.engine

CHANCERY = Path(__file__).resolve().parents[2] / "chancery"
MIGRATIONS = sorted(CHANCERY.glob("*/migrations/[0-9]*.py"))
#: Imports a migration may make of Chancery's own code: a model field class, which Django's
#: migration state needs by its import path (like any third-party field).
FIELD_CLASSES = {
    ("corpus/migrations/0005_uploads_by_content_unguessable_names.py", "chancery.corpus.uploads")
}
#: ... and the operation class that runs a migration's Python (Django's ``RunPython``, its
#: historical models built only when asked for): it runs the migration's own code, no other.
OPERATIONS = "chancery.migration_operations"

on_sqlite_fts5 = pytest.mark.skipif(
    not isinstance(get_backend(), sqlite_fts5.SQLiteFTS5Backend)
    or get_backend().database != connection.vendor,
    reason="the SQLite FTS5 engine's own tables",
)


def imported_modules(source: str, package: str) -> list[str]:
    """Every module ``source`` imports, anywhere in it (also inside a function), relative
    imports made absolute from ``package``."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            if node.module:
                names.append(f"{base}.{node.module}")
            else:
                names += [f"{base}.{alias.name}" for alias in node.names]
    return names


def test_the_import_finder_sees_every_kind_of_import():
    source = (
        "import chancery.a\nfrom chancery.b import c\nfrom . import d\n"
        "def f():\n    from ..indexing import reindex\n"
    )
    assert imported_modules(source, "chancery.search.migrations") == [
        "chancery.a",
        "chancery.b",
        "chancery.search.migrations.d",
        "chancery.search.indexing",
    ]


def test_no_migration_imports_chancery_code():
    assert len(MIGRATIONS) >= 10
    found = []
    for path in MIGRATIONS:
        where = str(path.relative_to(CHANCERY))
        package = f"chancery.{path.parent.parent.name}.migrations"
        for module in imported_modules(path.read_text(encoding="utf-8"), package):
            own = module == "chancery" or module.startswith("chancery.")
            allowed = (where, module) in FIELD_CLASSES or module == OPERATIONS
            if own and ".migrations" not in module and not allowed:
                found.append(f"{where} imports {module}")
    assert not found, "migrations must carry their own copy of what they run:\n" + "\n".join(found)


@on_sqlite_fts5
@pytest.mark.django_db
def test_the_migrated_fts5_tables_are_the_ones_the_engine_describes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE 'search_%'")
        stored = dict(cursor.fetchall())
    for statement in [sqlite_fts5.CREATE_SQL, *sqlite_fts5.CREATE_WORDS_SQL]:
        name = statement.split("IF NOT EXISTS ")[1].split()[0]
        assert stored[name] == statement.replace("IF NOT EXISTS ", "")


def _searchable():
    return get_backend().search(SearchQuery(text="soviet")).count()


@pytest.fixture
def catalogue(db):
    """The demo's ten catalogue records, each of the nine published ones about "Soviet"."""
    from chancery.corpus.demo import load_demo

    load_demo(texts=False)


@pytest.mark.django_db(transaction=True)
def test_migrating_past_the_layers_migration_again_leaves_a_whole_index(catalogue):
    published = Document.objects.published().count()
    forms = NameForm.objects.count()
    assert _searchable() == published == 9
    call_command("migrate", "search", "0002", verbosity=0)
    call_command("migrate", verbosity=0)
    assert get_backend().indexed_count() == published
    assert _searchable() == published
    assert NameForm.objects.count() == forms  # the shipped table and the corpus's variants


@pytest.mark.django_db(transaction=True)
def test_a_migrate_that_stops_half_way_leaves_the_reindex_to_the_last_step(catalogue):
    published = Document.objects.published().count()
    call_command("migrate", "search", "0002", verbosity=0)
    call_command("migrate", "search", "0003", verbosity=0)
    call_command("migrate", verbosity=0)
    assert get_backend().indexed_count() == published
    assert _searchable() == published


@pytest.mark.django_db
def test_start_up_fills_an_index_found_empty_beside_published_documents(catalogue):
    get_backend().reset()
    assert _searchable() == 0
    assert indexing.bring_up_to_date(report=lambda line: None)
    assert _searchable() == Document.objects.published().count() == 9
    assert indexing.bring_up_to_date(report=lambda line: None) is None


@pytest.mark.django_db(transaction=True)
def test_migrating_past_the_machine_text_migration_again_keeps_scans_searchable(catalogue):
    from chancery.ocr.models import MachineText
    from tests.iiif.scans import add_scan, image_bytes, page_image

    document = Document.objects.published().first()
    scan = add_scan(document, "page.png", image_bytes(page_image(300, 200, "x"), "PNG"))
    MachineText.objects.create(scan=scan, page=1, text="A brass samovar")
    indexing.index_documents([document.pk])
    assert get_backend().search(SearchQuery(text="samovar")).count() == 1
    call_command("migrate", "search", "0008", verbosity=0)
    call_command("migrate", verbosity=0)
    assert get_backend().search(SearchQuery(text="samovar")).count() == 1
    assert _searchable() == Document.objects.published().count()
