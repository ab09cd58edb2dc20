"""Queries compiled once and run again with other values give what the ORM gives.

A search selecting a type or a collection asks which of its values the public may see,
their pks and the collection's subtree: compiled once (chancery/corpus/prepared.py), they
must answer every later value as the queryset they come from would, on every database.
"""

from __future__ import annotations

import pytest

from chancery.corpus import models
from chancery.corpus.hierarchy import subtrees
from chancery.corpus.prepared import KEPT_UP_TO, Prepared
from chancery.corpus.visibility import public, public_values
from chancery.ingest.models import ImportRun, StagedRow
from tests.factories import CollectionFactory, DocumentFactory, PlaceFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def _orm(model, key, values):
    asked = model._default_manager.filter(**{f"{key}__in": list(values)})
    return set(public(asked, few=True).values_list(key, flat=True))


@pytest.fixture
def archive():
    """Shown and draft-only subjects, places and collections, a staged one, a tree."""
    published = DocumentFactory(public_id="pub/1")
    draft = DocumentFactory(public_id="draft/1", status=models.Document.DRAFT)
    for model_factory, prefix in ((SubjectFactory, "subject"), (PlaceFactory, "place")):
        shown, hidden = (
            model_factory(slug=f"{prefix}-shown"),
            model_factory(slug=f"{prefix}-hidden"),
        )
        model_factory(slug=f"{prefix}-unused")
        getattr(published, f"{prefix}s").add(shown)
        getattr(draft, f"{prefix}s").add(hidden)
    shown = CollectionFactory(slug="collection-shown")
    hidden = CollectionFactory(slug="collection-hidden")
    CollectionFactory(slug="collection-unused")
    models.Membership.objects.create(document=published, collection=shown)
    models.Membership.objects.create(document=draft, collection=hidden)
    staged = SubjectFactory(slug="subject-staged")
    run = ImportRun.objects.create(source="test", host="here", pid=1)
    StagedRow.objects.create(run=run, model="corpus.subject", object_id=staged.pk)


ASKED = [
    ("subject-shown",), ("subject-hidden",), ("subject-unused",), ("subject-staged",),
    ("no-such-slug",), ("subject-hidden", "subject-shown", "no-such-slug"),
    ("subject-unused", "subject-staged"),
]  # fmt: skip


@pytest.mark.parametrize("model,prefix", [(models.Subject, "subject"), (models.Place, "place"),
                                          (models.Collection, "collection")])  # fmt: skip
def test_public_values_answer_every_value_as_the_orm_does(archive, model, prefix):
    for values in ASKED:
        values = tuple(v.replace("subject", prefix) for v in values)
        assert public_values(model, "slug", values) == _orm(model, "slug", values), values
    assert public_values(model, "slug", (f"{prefix}-shown",)) == {f"{prefix}-shown"}
    assert public_values(model, "slug", (f"{prefix}-hidden",)) == set()


def test_a_draft_only_collection_above_a_published_one_stays_public(archive):
    hidden = models.Collection.objects.get(slug="collection-hidden")
    models.Collection.objects.filter(slug="collection-shown").update(parent=hidden)
    values = ("collection-hidden", "collection-unused")
    assert (
        public_values(models.Collection, "slug", values)
        == set(values)
        == _orm(models.Collection, "slug", values)
    )


def test_a_staged_subject_is_public_once_its_run_is(archive):
    assert public_values(models.Subject, "slug", ("subject-staged",)) == set()
    ImportRun.objects.update(state=ImportRun.PUBLISHED)
    assert public_values(models.Subject, "slug", ("subject-staged",)) == {"subject-staged"}


def test_compiled_once_then_one_query_each_time(archive, django_assert_num_queries):
    prepared = Prepared(
        models.Subject,
        lambda slugs: models.Subject.objects.filter(slug__in=slugs).order_by().values_list("slug"),
    )
    assert prepared.rows(["subject-shown"]) == [("subject-shown",)]
    with django_assert_num_queries(1):
        assert prepared.rows(["subject-hidden"]) == [("subject-hidden",)]
    assert sorted(prepared.rows(["subject-hidden", "nope", "subject-shown"])) == [
        ("subject-hidden",), ("subject-shown",)
    ]  # fmt: skip
    assert prepared.rows([]) == []
    # Many values (a URL can name hundreds): answered, built each time, nothing kept.
    many = [f"nope-{i}" for i in range(KEPT_UP_TO + 4)] + ["subject-shown"]
    assert prepared.rows(many) == [("subject-shown",)]
    assert all(n <= KEPT_UP_TO for _, n in prepared._compiled)
    # A value that looks like SQL is a value.
    assert prepared.rows(["x' OR '1'='1"]) == []


def test_a_query_whose_values_cannot_be_told_apart_still_answers(archive):
    """startswith changes the value it is given: the ORM builds that query every time."""
    prepared = Prepared(
        models.Subject,
        lambda s: (
            models.Subject.objects.filter(slug__startswith=s[0]).order_by().values_list("slug")
        ),
    )
    assert sorted(prepared.rows(["subject-s"])) == [("subject-shown",), ("subject-staged",)]
    assert prepared.rows(["place-"]) == []


def test_subtrees_hold_every_collection_below_whatever_the_depth(db):
    root = CollectionFactory(slug="root")
    child = CollectionFactory(slug="child", parent=root)
    grandchild = CollectionFactory(slug="grandchild", parent=child)
    other = CollectionFactory(slug="other")
    for c in (root, child, grandchild, other):
        c.refresh_from_db()
    found = subtrees([root.pk, child.pk, other.pk, 10**9])
    assert found[root.pk][0] == root.pk
    assert set(found[root.pk]) == {root.pk, child.pk, grandchild.pk}
    assert found[child.pk] == (child.pk, grandchild.pk)
    assert found[other.pk] == (other.pk,)
    assert 10**9 not in found
    assert subtrees([]) == {}
