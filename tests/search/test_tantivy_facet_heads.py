"""A page's facets on Tantivy: only their first values are turned into Python, and they are
the same as when every value is counted (#18).

The aside of a search page lists each facet's first twelve values. Turning a broad
search's hundreds of values into Python objects on the aggregation's thread held the GIL
the request was waiting for; so a page asks each field for its first values only, asks
again the fields whose last value ties with the last shown (ties are ordered by label),
and counts a facet whole when its head needs more (a selected value further down). The
collection facet is counted on one field per depth of the tree, the last also holding the
collections deeper down, and only on the depths some document is filed at; the decades are
summed from the years, counted anyway for the chart.
"""

from __future__ import annotations

from collections import Counter

import pytest

from chancery.corpus.models import Document
from chancery.search.backends import get_backend
from chancery.search.backends.tantivy.schema import COLLECTION_DEPTHS, COLLECTION_LEVELS
from chancery.search.entries import read_entries
from chancery.search.facets import head_of
from chancery.search.indexing import indexing_paused
from chancery.search.query import SearchQuery
from tests.factories import CollectionFactory, DocumentFactory, SubjectFactory, TypeFactory
from tests.search.test_contract import use

pytestmark = pytest.mark.django_db


def _heads(query: SearchQuery, limit: int):
    """The heads of a page (counted first values only) and of every value, and the search."""
    told = get_backend().search(query)
    told.begin_summary(limit)
    heads = told.facet_heads(limit)
    every = get_backend().search(query).facets()
    return heads, every, get_backend()._searching(told.plan)


def test_a_deep_tree_counts_every_collection_its_subtree(settings, tmp_path):
    """A chain of collections deeper than the fields by depth: each counts the documents
    of its subtree, in the facet's whole list and in a page's head."""
    depth = COLLECTION_DEPTHS + 3
    chain = [CollectionFactory(title=f"Level {n:02d}", slug=f"level-{n:02d}") for n in range(depth)]
    for parent, child in zip(chain, chain[1:], strict=False):
        child.parent = parent
        child.save()
    with indexing_paused():
        for n, collection in enumerate(chain):  # n + 1 treaties at depth n
            for k in range(n + 1):
                DocumentFactory(public_id=f"t/{n}/{k}", title="Treaty", collections=[collection])
    use(settings, tmp_path, "tantivy")
    total = sum(range(1, depth + 1))
    below = {c.slug: total - sum(range(1, n + 1)) for n, c in enumerate(chain)}
    heads, every, _ = _heads(SearchQuery(text="treaty"), 3)
    assert {v.value: v.count for v in every["collection"]} == below
    assert [(v.value, v.count) for v in heads["collection"].values] == [
        (c.slug, below[c.slug]) for c in chain[:3]
    ]
    assert heads["collection"].more


def test_values_tied_with_the_last_shown_are_ordered_by_label(settings, tmp_path):
    """Thirty subjects on one treaty each (and one on every treaty): each field lists
    twice the head at first, all tied; the tied values are asked again, so the head is
    the first by label, as when every value is counted."""
    subjects = [SubjectFactory(name=f"Subject {n:02d}", slug=f"subject-{n:02d}") for n in range(30)]
    common = SubjectFactory(name="Zeal", slug="zeal")
    with indexing_paused():
        for n, subject in reversed(list(enumerate(subjects))):  # indexed in reverse order
            DocumentFactory(public_id=f"t/{n}", title="Treaty", subjects=[subject, common])
    use(settings, tmp_path, "tantivy")
    heads, every, searching = _heads(SearchQuery(text="treaty"), 3)
    assert [(v.label, v.count) for v in heads["subject"].values] == [
        ("Zeal", 30), ("Subject 00", 1), ("Subject 01", 1),
    ]  # fmt: skip
    assert heads["subject"] == head_of("subject", every["subject"], 3, ())
    assert heads["subject"].more
    # the page's aggregation, the ties asked again; not the facet counted whole
    assert "subject" in searching.cut
    assert searching.evaluations == 1 + 1 + 1  # the count, the aggregation, the ties


def test_selected_values_further_down_are_counted(settings, tmp_path):
    """Four types chosen at once (a facet of any of its values), counting 4, 3, 2 and 1
    treaties: a head of one lists the first and the chosen ones below it with their
    counts, which the first values counted do not hold: the facet is counted whole."""
    types = [TypeFactory(name=f"Type {n}", slug=f"type-{n}") for n in range(4)]
    with indexing_paused():
        for n, kind in enumerate(types):
            for k in range(4 - n):
                DocumentFactory(public_id=f"t/{n}/{k}", title="Treaty", doc_type=kind)
    use(settings, tmp_path, "tantivy")
    query = SearchQuery(text="treaty", filters={"type": tuple(t.slug for t in types)})
    heads, every, searching = _heads(query, 1)
    assert [(v.label, v.count) for v in heads["type"].values] == [
        ("Type 0", 4), ("Type 1", 3), ("Type 2", 2), ("Type 3", 1),
    ]  # fmt: skip
    assert heads["type"] == head_of("type", every["type"], 1, [t.slug for t in types])
    assert "type" not in searching.cut  # counted whole, after the first values


def test_only_the_depths_documents_are_filed_at_are_counted(settings, tmp_path):
    """A tree two deep is counted on two fields; a document filed deeper, once committed,
    adds the depths down to it (the same counts as the facet's whole list says), and its
    deletion takes them away again."""
    chain = [CollectionFactory(title=f"Level {n}", slug=f"level-{n}") for n in range(4)]
    for parent, child in zip(chain, chain[1:], strict=False):
        child.parent = parent
        child.save()
    with indexing_paused():
        for k in range(3):
            DocumentFactory(public_id=f"t/{k}", title="Treaty", collections=[chain[1]])
    use(settings, tmp_path, "tantivy")
    backend = get_backend()
    query = SearchQuery(text="treaty")
    shallow = backend._searching(backend.search(query).plan)
    assert shallow.levels == COLLECTION_LEVELS[:2]
    assert shallow.summary()["collection"] == {chain[0].pk: 3, chain[1].pk: 3}

    with indexing_paused():
        deep = DocumentFactory(public_id="t/deep", title="Treaty", collections=[chain[3]])
    entries, _ = read_entries([deep.pk], backend.indexes_facts)
    with backend.batch():
        backend.add(entries)
    heads, every, searching = _heads(query, 12)
    assert searching.levels == COLLECTION_LEVELS[:4]
    expected = {"level-0": 4, "level-1": 4, "level-2": 1, "level-3": 1}
    assert {v.value: v.count for v in every["collection"]} == expected
    assert {v.value: v.count for v in heads["collection"].values} == expected

    with backend.batch():
        backend.delete([deep.pk])
    after = backend._searching(backend.search(query).plan)
    assert after.levels == COLLECTION_LEVELS[:2]
    assert {v.value: v.count for v in backend.search(query).facets()["collection"]} == {
        "level-0": 3, "level-1": 3,
    }  # fmt: skip


def test_the_decades_summed_from_the_years_are_the_documents_decades(settings, tmp_path):
    """The decade facet is counted on the years: each decade holds the documents whose
    first date falls in it (``Document.decade``, what the database engines count), the
    years either side of a decade's turn apart, an uncertain date by its earliest year,
    and the undated documents as undated, never as a year."""
    dates = ["1899-12-31", "1900-01-01", "1909-12-31", "1910", "1895/1902", "1955-03", "", ""]
    with indexing_paused():
        for n, date in enumerate(dates):
            DocumentFactory(public_id=f"t/{n}", title="Treaty", date=date)
    use(settings, tmp_path, "tantivy")
    stored = Counter(
        "undated" if d is None else str(d)
        for d in Document.objects.values_list("decade", flat=True)
    )
    assert stored == {"1890": 2, "1900": 2, "1910": 1, "1950": 1, "undated": 2}
    for head in (None, 12):  # whole, and as a page counts them beside its hits
        results = get_backend().search(SearchQuery(text="treaty"))
        if head:
            results.begin_summary(head)
        decades = results.facet_heads(12)["decade"].values if head else results.facets()["decade"]
        assert {v.value: v.count for v in decades} == stored
        assert [v.label for v in decades] == ["1890s", "1900s", "1910s", "1950s", "Undated"]
        assert results.year_counts() == [(1895, 1), (1899, 1), (1900, 1), (1909, 1), (1910, 1),
                                          (1955, 1)]  # fmt: skip
    picked = get_backend().search(SearchQuery(text="treaty", filters={"decade": ("1900",)}))
    assert picked.count() == 2
    assert {v.value: v.count for v in picked.facets()["decade"]} == {"1900": 2}
