"""A FRUS volume searched as a whole: its documents sit in its chapters, yet the volume's
facet, filter, scope and ``collection:`` query all find every one of them, and every
collection's facet count is its page's (run on each engine: the run's own)."""

import io

import pytest
from django.core.management import call_command

from chancery.corpus import models as m
from chancery.corpus.hierarchy import with_totals
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery

from .conftest import _high_water, empty_archive, frus_path

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture(scope="module")
def volume(django_db_setup, django_db_blocker):
    """frus1901China imported once for the module, through the real command."""
    folder = frus_path()
    with django_db_blocker.unblock():
        before = _high_water()
        call_command("import", "tei", str(folder / "frus1901China.xml"), "--no-progress",
                     stdout=io.StringIO())  # fmt: skip
        yield m.Collection.objects.get(identifier="frus1901China", parent=None)
        empty_archive()
        for model, high in before.items():
            model.objects.filter(pk__gt=high).delete()


def count(**query) -> int:
    return get_backend().search(SearchQuery(**query)).count()


def test_the_help_pages_example_finds_the_volume(volume):
    total = with_totals(m.Collection.objects.filter(pk=volume.pk)).get().total
    assert not m.Document.objects.filter(collections=volume).exists()  # all in chapters
    assert total > 100
    assert count(text='collection:"Foreign Relations 1901"') == total
    assert count(text=f"collection:{volume.identifier}") == total
    assert count(filters={"collection": (volume.slug,)}) == total
    assert count(collection_scope=volume.slug) == total


def test_every_collection_facet_count_is_its_page_count(volume):
    results = get_backend().search(SearchQuery())
    facet = {v.value: v.count for v in results.facets(("collection",))["collection"]}
    pages = {slug: n for slug, n in with_totals(m.Collection.objects.all())
             .values_list("slug", "total") if n}  # fmt: skip
    assert facet == pages
    assert facet[volume.slug] == results.count()
