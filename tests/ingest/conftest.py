import io
from collections.abc import Iterator
from contextlib import contextmanager
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


def write_export(path: Path, lines: list[dict]) -> None:
    """Write ``lines`` (a JSONL export's header, records and end line, as parsed and then
    edited by a test) as a whole export again: the header's and end line's counts and the
    checksum made to match the records, so only the importer's other checks can object.
    Records are written with ASCII escapes, so a test may plant a lone surrogate."""
    import hashlib
    import json

    from chancery.ingest import jsonl

    header, records = lines[0], [r for r in lines[1:] if r.get("type") != jsonl.END]
    body = b"".join((json.dumps(r, sort_keys=True) + "\n").encode() for r in records)
    counts = {name: 0 for name in header["counts"]}
    for record in records:
        counts[record["type"]] = counts.get(record["type"], 0) + 1
    header["counts"] = counts
    end = {"type": jsonl.END, "counts": counts, "records": len(records),
           "sha256": hashlib.sha256(body).hexdigest()}  # fmt: skip
    path.write_bytes(jsonl._encode(header) + body + jsonl._encode(end))


def empty_archive() -> None:
    """Delete every corpus row and index entry (module fixtures write outside a test).

    Indexing is paused while the rows go: each deleted text or scan would otherwise
    re-read and re-index its document, only for the whole index to be emptied after."""
    from chancery.corpus import models
    from chancery.ingest.models import SourceKey
    from chancery.search import variants
    from chancery.search.backends import get_backend
    from chancery.search.indexing import indexing_paused

    rows = (models.Document, models.Collection, models.Agent, models.Place, models.Subject,
            models.Repository, models.Publisher, models.DocumentType, models.Rights,
            models.Classification, models.Donor, models.Language, SourceKey)  # fmt: skip
    with indexing_paused():  # which also leaves the people's and places' name forms
        for model in rows:
            model.objects.all().delete()
    variants.sync_agents()  # rebuilt from the (now no) records: the shipped table's stay
    variants.sync_places()
    get_backend().reset()


def _high_water() -> dict:
    from django.apps import apps
    from django.db.models import IntegerField, Max

    return {
        model: model.objects.aggregate(n=Max("pk"))["n"] or 0
        for model in apps.get_models()
        if isinstance(model._meta.pk, IntegerField) and model._meta.managed
    }


@contextmanager
def imported_volumes(django_db_blocker, names: tuple[str, ...]) -> Iterator[Path]:
    """FRUS volumes imported through the real command, for a module's fixture.

    They are written outside any test's transaction, so leaving the block removes them, and
    any row other apps' signals made meanwhile (newer than what was there before).
    """
    folder = frus_path()
    with django_db_blocker.unblock():
        before = _high_water()
        call_command(
            "import", "tei", *(str(folder / name) for name in names), "--no-progress",
            stdout=io.StringIO(),
        )  # fmt: skip
        yield folder
        empty_archive()
        for model, high in before.items():
            model.objects.filter(pk__gt=high).delete()


@pytest.fixture(scope="module")
def frus_archive(django_db_setup, django_db_blocker):
    """The two volumes imported once for the module."""
    with imported_volumes(django_db_blocker, VOLUMES) as folder:
        yield folder


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
