import os
from pathlib import Path

import pytest
from django.core.management import call_command

FRUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "frus"
#: Small enough to keep the suite quick, and between them: a list of persons (1919),
#: enclosures nested in documents (1861), minutes dated only in their heading (1919).
VOLUMES = ("frus1861.xml", "frus1919Parisv01.xml")


def frus_path() -> Path:
    if not FRUS.is_dir():
        pytest.skip(f"FRUS volumes not found at {FRUS}: the shared corpora are absent")
    return FRUS


def empty_archive() -> None:
    """Delete every corpus row and index entry (module fixtures write outside a test)."""
    from chancery.corpus import models as m
    from chancery.ingest.models import SourceKey
    from chancery.search.backends import get_backend

    for model in (m.Document, m.Collection, m.Agent, m.Place, m.Subject, m.Repository,
                  m.Publisher, m.DocumentType, m.Rights, m.Classification, m.Donor,
                  m.Language, SourceKey):  # fmt: skip
        model.objects.all().delete()
    get_backend().reset()


@pytest.fixture(scope="module")
def frus_archive(django_db_setup, django_db_blocker):
    """The two volumes imported once for the module, through the real command."""
    folder = frus_path()
    with django_db_blocker.unblock():
        call_command("import", "tei", *(str(folder / v) for v in VOLUMES), "--no-progress")
        yield folder
        empty_archive()


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


os.environ.setdefault("COLUMNS", "120")
