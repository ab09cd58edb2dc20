"""The benchmark's synthetic archive as a file Chancery imports (``bench/synthetic.py``,
issue 18's new-user trial): the file holds the documents asked for — the real ones, then
synthetic ones made of their titles, types, paragraphs and collections — and
``chancery import`` takes it like any other file, every document searchable after."""

import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from chancery.corpus.models import Document, Transcript
from chancery.search.backends import get_backend
from chancery.search.forms import SearchForm
from tests.factories import CollectionFactory, DocumentFactory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import synthetic  # noqa: E402 — bench/, on the path just above

pytestmark = pytest.mark.engine

SENTENCE = "The minister protested against the treaty of commerce and navigation. "


def matches(words: str) -> int:
    form = SearchForm({"q": words})
    assert form.is_valid(), form.errors
    return get_backend().search(form.to_query()).count()


@pytest.fixture
def volume():
    """Four documents of a printed volume, three paragraphs each, the last one a day."""
    collection = CollectionFactory(title="Papers relating to foreign affairs, 1861")
    for n in range(4):
        document = DocumentFactory(public_id=f"frus1861/d{n}", collections=[collection])
        paragraphs = [f"<p>{SENTENCE * 2}Paragraph {p} of {n}.</p>" for p in range(3)]
        Transcript.objects.create(document=document, html="".join(paragraphs))
    return collection


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_the_synthetic_archive_is_a_file_chancery_imports(volume, tmp_path, kind):
    out = tmp_path / f"synthetic.{kind}"
    write = synthetic.write_csv if kind == "csv" else synthetic.write_jsonl
    assert write(out, documents=10)["document"] == 10

    call_command("import", kind, str(out), "--no-progress")

    made = Document.objects.filter(public_id__startswith="synthetic/").order_by("public_id")
    assert [d.public_id for d in made] == [f"synthetic/{n}" for n in range(4, 10)]
    assert Document.objects.count() == 10  # the four real ones are not doubled
    for document in made:
        assert document.status == Document.PUBLISHED
        assert list(document.collections.all()) == [volume]
        assert document.doc_type is not None and document.date_earliest.year in range(1850, 1951)
        assert "protested" in document.transcripts.get().html
    assert matches("protested") == 10


def test_bench_search_draws_the_same_documents():
    """bench/search.py builds its archives from the same batches: a fixed seed gives the
    same documents, and an archive continued from another size draws other ones."""
    material = synthetic.Material(
        real=[(1, "Mr. Seward to Mr. Adams", 3), (2, "Mr. Adams to Mr. Seward", 4)],
        paragraphs=[f"<p>paragraph {n}" for n in range(10)],
        collections=[7, 8],
    )
    first = synthetic.batch(synthetic.stream(6526), material, 6526, 5)
    again = synthetic.batch(synthetic.stream(6526), material, 6526, 5)
    later = synthetic.batch(synthetic.stream(200_000), material, 200_000, 5)
    assert first == again
    assert [d["public_id"] for d in first] == [f"synthetic/{n}" for n in range(6526, 6531)]
    assert [d["html"] for d in later] != [d["html"] for d in first]
