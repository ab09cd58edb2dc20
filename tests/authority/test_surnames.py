"""Bare surnames linked to the one person their volume's documents show they are, and
left for an editor where a relative or a namesake could be meant."""

import io

import pytest
from django.core.management import call_command

from chancery.corpus import models, surnames
from tests.factories import AgentFactory, CollectionFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def document(volume, *people):
    doc = DocumentFactory()
    models.Membership.objects.create(collection=volume, document=doc)
    doc.people.add(*people)
    return doc


@pytest.fixture
def volumes():
    return CollectionFactory(title="FRUS 1861"), CollectionFactory(title="FRUS 1919")


def test_a_surname_named_beside_its_only_full_form_is_linked(client, volumes):
    _v1861, v1919 = volumes
    root = AgentFactory(name="Root", slug="root")
    elihu = AgentFactory(name="Elihu Root", slug="elihu-root")
    document(v1919, root, elihu)
    alone = document(v1919, root)
    out = io.StringIO()
    call_command("link_surnames", stdout=out)
    assert "Root -> Elihu Root" in out.getvalue()
    assert not models.Agent.objects.filter(name="Root").exists()
    assert elihu in alone.people.all()
    assert not elihu.variants.filter(name="Root").exists()  # no lone-surname variant
    assert client.get("/person/root/").status_code == 301


def test_a_relative_or_namesake_in_the_volume_keeps_it_for_review(volumes):
    v1861, v1919 = volumes
    seward = AgentFactory(name="Seward")
    william = AgentFactory(name="William H. Seward")
    frederick = AgentFactory(name="F. W. Seward")
    document(v1861, seward, frederick)  # the son signs as acting Secretary
    document(v1861, william)
    kung = AgentFactory(name="Kung")  # named alone: no full form in its documents
    document(v1919, kung)
    AgentFactory(name="Prince Kung")
    smith = AgentFactory(name="Smith")  # named in two volumes
    john = AgentFactory(name="John Smith")
    document(v1861, smith, john)
    document(v1919, smith)
    assert surnames.candidates() == []


def test_a_pair_kept_apart_is_neither_proposed_nor_merged(volumes):
    _v1861, v1919 = volumes
    root = AgentFactory(name="Root", slug="root")
    elihu = AgentFactory(name="Elihu Root", slug="elihu-root")
    document(v1919, root, elihu)
    lansing = AgentFactory(name="Lansing", slug="lansing")
    robert = AgentFactory(name="Robert Lansing", slug="robert-lansing")
    document(v1919, lansing, robert)
    # an editor kept Root and Elihu Root apart (the review names them either way round)
    models.AgentReview.objects.create(record=elihu, candidate=root, reason="same surname",
                                      status=models.AgentReview.REJECTED)  # fmt: skip
    models.AgentReview.objects.create(record=robert, candidate=lansing, reason="same surname")
    assert surnames.candidates() == [(lansing, robert)]  # still open: still proposed

    assert surnames.link([(root, elihu), (lansing, robert)]) == 1  # proposed by hand too
    assert models.Agent.objects.filter(pk=root.pk).exists()  # kept, and its decision with it
    assert models.AgentReview.objects.get(record=elihu).status == models.AgentReview.REJECTED
    assert not models.Agent.objects.filter(pk=lansing.pk).exists()  # merged
    out = io.StringIO()
    call_command("link_surnames", stdout=out)
    assert "Root" not in out.getvalue() and "0 bare surnames linked" in out.getvalue()
