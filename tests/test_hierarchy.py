"""Collections as archival description: levels, counts that roll up, paths, slugs, redirects."""

import pytest

from chancery.corpus import models
from chancery.corpus.hierarchy import clean_title, rebuild_paths, with_totals

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def subtree_documents(coll) -> set[int]:
    """Published documents in ``coll`` and below it, found the slow, obvious way."""
    found, todo = set(), [coll]
    while todo:
        node = todo.pop()
        found |= set(
            node.documents.filter(status=models.Document.PUBLISHED).values_list("pk", flat=True)
        )
        todo += list(node.children.all())
    return found


@pytest.mark.parametrize(
    "printed, title",
    [
        ("FRANCE.", "France"),
        ("FRANCE", "France"),
        ("AUSTRIA-HUNGARY.", "Austria-Hungary"),
        ("Correspondence:", "Correspondence"),
        ("II.—CORRESPONDENCE ON GOLD COINAGE.", "II. — Correspondence on Gold Coinage"),
        ("Subjects in Butte, Mont.", "Subjects in Butte, Mont."),
        ("Great Britain", "Great Britain"),
    ],
)  # fmt: skip
def test_titles_are_cleaned_and_the_printed_form_kept(printed, title):
    cleaned, kept = clean_title(printed)
    assert cleaned == title
    assert kept == ("" if printed == title else printed)


def test_home_and_browse_count_the_whole_subtree(client, demo):
    home = client.get("/").content.decode()
    assert "Sino-Soviet Relations" in home
    assert "0 documents" not in home
    sino = models.Collection.objects.get(slug="sino-soviet-relations")
    assert not sino.documents.exists()  # its documents sit in its two parts
    page = client.get("/collections/").context["page"]
    shown = {c.slug: c.total for c in page.object_list}
    assert shown["sino-soviet-relations"] == len(subtree_documents(sino)) == 7


def test_every_collection_page_count_equals_its_subtree(client, demo):
    for coll in models.Collection.objects.all():
        response = client.get(coll.get_absolute_url())
        expected = len(subtree_documents(coll))
        assert response.context["collection"].total == expected, coll.slug
        assert response.context["page"].total == expected, coll.slug  # the engine agrees
        for part in response.context["parts"].object_list:
            assert part.total == len(subtree_documents(part))


def test_the_api_lists_and_counts_a_whole_subtree(client, demo):
    listed = client.get("/api/v1/collections").json()
    counts = {c["slug"]: c["documents_count"] for c in listed["results"]}
    assert counts["sino-soviet-relations"] == 7
    documents = client.get("/api/v1/documents", {"collection": "sino-soviet-relations"}).json()
    assert documents["total"] == 7


def test_counts_are_one_query_however_many_collections(client, demo, django_assert_max_num_queries):
    parent = models.Collection.objects.get(slug="sino-soviet-relations")
    for n in range(30):
        models.Collection.objects.create(title=f"Box {n}", parent=parent, level="file")
    with django_assert_max_num_queries(12):
        client.get("/collections/")
    with django_assert_max_num_queries(40):
        response = client.get("/collection/sino-soviet-relations/")
    assert response.context["parts"].paginator.count == 32
    with django_assert_max_num_queries(12):
        client.get("/")


def test_the_tree_is_paged(client, db):
    for n in range(60):
        models.Collection.objects.create(title=f"Fonds {n:02d}", level="fonds")
    first = client.get("/collections/")
    assert len(first.context["page"].object_list) == 50
    assert "Fonds 59" not in first.content.decode()
    assert "Fonds 59" in client.get("/collections/?page=2").content.decode()
    assert client.get("/collections/?page=9").status_code == 400


def test_description_is_shown_with_breadcrumbs(client, db):
    fonds = models.Collection.objects.create(title="Records of the Legation", level="fonds",
                                        identifier="RG 84")  # fmt: skip
    series = models.Collection.objects.create(
        title="Despatches", parent=fonds, level="series", dates="1898–1905",
        extent="4 volumes", scope_content="Despatches to the Department.",
        arrangement="Chronological.", finding_aid_url="https://example.org/rg84.pdf",
    )  # fmt: skip
    html = client.get(series.get_absolute_url()).content.decode()
    for text in ("Series", "1898–1905", "4 volumes", "Despatches to the Department.",
                 "Chronological.", 'href="https://example.org/rg84.pdf"'):  # fmt: skip
        assert text in html
    crumbs = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert crumbs.index("Collections") < crumbs.index("Records of the Legation")
    assert crumbs.index("Records of the Legation") < crumbs.index("Despatches")
    data = client.get(f"/api/v1/collections/{series.slug}").json()
    assert data["level"] == "series" and data["extent"] == "4 volumes"
    assert [a["slug"] for a in data["ancestors"]] == [fonds.slug]


def test_a_finding_aid_link_cannot_be_a_script(db):
    coll = models.Collection.objects.create(title="X", finding_aid_url="javascript:alert(1)")
    assert coll.finding_aid_url == ""


def test_paths_follow_a_move(db):
    a = models.Collection.objects.create(title="A")
    b = models.Collection.objects.create(title="B", parent=a)
    c = models.Collection.objects.create(title="C", parent=b)
    assert c.path == f"/{a.pk}/{b.pk}/{c.pk}/"
    other = models.Collection.objects.create(title="Other")
    b.parent = other
    b.save()
    c.refresh_from_db()
    assert c.path == f"/{other.pk}/{b.pk}/{c.pk}/"
    assert [x.title for x in c.ancestors()] == ["Other", "B"]
    models.Collection.objects.filter(pk=c.pk).update(path="")
    rebuild_paths(models.Collection)
    c.refresh_from_db()
    assert c.path == f"/{other.pk}/{b.pk}/{c.pk}/"


def test_nested_slugs_take_their_context_not_a_number(db):
    one = models.Collection.objects.create(title="Foreign Relations 1870", identifier="frus1870")
    two = models.Collection.objects.create(title="Foreign Relations 1871", identifier="frus1871")
    assert (one.slug, two.slug) == ("frus1870", "frus1871")
    general = [models.Collection.objects.create(title="General", parent=p) for p in (one, two)]
    assert [g.slug for g in general] == ["frus1870-general", "frus1871-general"]
    part = models.Collection.objects.create(title="IV. Miscellaneous correspondence", parent=one)
    again = models.Collection.objects.create(title="General", parent=part)
    assert again.slug == "frus1870-miscellaneous-correspondence-general"


def test_an_old_slug_redirects_permanently(client, db):
    coll = models.Collection.objects.create(title="Old name")
    coll.slug = "new-name"
    coll.save()
    response = client.get("/collection/old-name/?q=treaty")
    assert response.status_code == 301
    assert response["Location"] == "/collection/new-name/?q=treaty"
    assert client.get("/collection/old-name/contents/").status_code == 301
    assert client.get("/collection/never-was/").status_code == 404


def test_totals_ignore_drafts_and_count_a_document_once(db):
    top = models.Collection.objects.create(title="Top")
    left = models.Collection.objects.create(title="Left", parent=top)
    right = models.Collection.objects.create(title="Right", parent=top)
    shared = models.Document.objects.create(public_id="s", title="In both", status="published")
    draft = models.Document.objects.create(public_id="d", title="Draft")
    for coll in (left, right):
        models.Membership.objects.create(collection=coll, document=shared)
        models.Membership.objects.create(collection=coll, document=draft)
    totals = dict(with_totals(models.Collection.objects.all()).values_list("title", "total"))
    assert totals == {"Top": 1, "Left": 1, "Right": 1}
