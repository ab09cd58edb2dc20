"""The archival hierarchy of real FRUS volumes: levels, rolled-up counts, order, titles."""

import re

import pytest

from chancery.corpus import models

from ..test_hierarchy import subtree_documents

pytestmark = pytest.mark.django_db


def test_volumes_and_chapters_have_levels_and_clean_titles(frus_archive):
    volumes = models.Collection.objects.filter(parent=None)
    assert {v.level for v in volumes} == {"volume"}
    assert {v.identifier for v in volumes} == {"frus1861", "frus1919Parisv01"}
    assert {v.slug for v in volumes} == {"frus1861", "frus1919parisv01"}
    chapters = models.Collection.objects.exclude(parent=None)
    assert chapters and {c.level for c in chapters} == {"chapter"}
    for coll in models.Collection.objects.all():
        assert not re.search(r"[,;:]$", coll.title), coll.title
        letters = [c for c in coll.title if c.isalpha()]
        assert not (len(letters) > 3 and all(c.isupper() for c in letters)), coll.title
    slugs = set(models.Collection.objects.values_list("slug", flat=True))
    numbered = {s for s in slugs if re.sub(r"-\d+$", "", s) in slugs - {s}}
    assert not numbered  # no "general-2": the parent gives the context
    assert models.Collection.objects.exclude(printed_title="").exists()  # "FRANCE." kept as printed


def test_every_collection_page_count_equals_its_subtree(frus_archive, client):
    volume = models.Collection.objects.get(identifier="frus1919Parisv01")
    assert not volume.documents.exists()  # the documents sit in its chapters
    for coll in models.Collection.objects.all():
        response = client.get(coll.get_absolute_url())
        expected = len(subtree_documents(coll))
        assert response.context["collection"].total == expected, coll.slug
        assert response.context["page"].total == expected, coll.slug
    listed = {c.slug: c.total for c in client.get("/collections/").context["page"].object_list}
    assert (
        listed["frus1861"]
        == models.Document.objects.filter(public_id__startswith="frus1861/").count()
    )


def test_a_volume_lists_in_volume_order_and_by_date(frus_archive, client):
    url = "/collection/frus1861/contents/"
    first = client.get(url).context["page"].object_list
    order = list(
        models.Membership.objects.filter(document__public_id__startswith="frus1861/")
        .order_by("position")
        .values_list("document__public_id", flat=True)[:50]
    )
    assert [d.public_id for d in first] == order
    by_date = [d.date_earliest for d in client.get(url + "?order=date").context["page"]]
    dated = [d for d in by_date if d]
    assert dated == sorted(dated)
    assert client.get(url + "?order=shelf").status_code == 400
