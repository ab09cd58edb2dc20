"""Public pages over the demo archive: what a reader sees, and what they never see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chancery.corpus.models import Document, Scan, Transcript, Translation

from .factories import DocumentFactory, language

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def test_home_has_search_box_and_featured_collections(client, demo):
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#content">Skip to content</a>' in html
    assert 'role="search"' in html
    assert "Sino-Soviet Relations" in html and "The Cuban Missile Crisis" in html
    assert "Treaties and State Documents" in html
    assert "12 published documents" in html


def test_search_page_shows_seed_style_hits(client, demo):
    html = client.get("/search/", {"q": "Castro"}).content.decode()
    assert "November 2, 1962" in html
    assert "Ciphered Telegram from Ambassador to Cuba Alekseev" in html
    assert "<mark>Castro</mark>" in html
    assert "1 - 1 of 1" in html


def test_browse_mode_lists_every_published_document(client, demo):
    page = client.get("/search/").context["page"]
    assert page.total == 12
    assert page.query.sort == "date"
    assert page.hits[0].document.date_display == "May 28, 1858"  # the Treaty of Aigun


def test_empty_result_says_so_and_suggests(client, demo):
    html = client.get("/search/", {"q": "zanzibar"}).content.decode()
    assert "No documents match “zanzibar”" in html
    assert "another spelling" in html


def test_record_page_shows_every_field_with_a_value(client, demo):
    doc = Document.objects.get(public_id="9")
    doc.source = "AVP RF, fond 0104, opis 18, delo 12"
    doc.save()
    Translation.objects.create(
        document=doc, language=language("eng", "English"), html="<p>Top secret. Urgent.</p>"
    )
    Transcript.objects.create(
        document=doc, language=language("rus", "Russian"), html="<p>Совершенно секретно.</p>"
    )
    html = client.get("/document/9/").content.decode()
    for expected in [
        "November 2, 1962",
        "Ciphered Telegram from Ambassador to Cuba Alekseev",
        "Telegram",
        "Aleksandr Alekseev",
        "Fidel Castro",
        "Cuban Missile Crisis, 1962",
        "Havana",
        "Russian",
        "AVP RF, fond 0104, opis 18, delo 12",
        "Archive of Foreign Policy of the Russian Federation",
        "For research and teaching",
        'lang="en"',
        'lang="ru"',
        "Совершенно секретно.",
        "Cite this document",
        "http://testserver/document/9/",
    ]:
        assert expected in html, expected


def test_record_ids_may_contain_a_slash(client, db):
    DocumentFactory(public_id="frus1918Russiav03/d12", title="Slashed")
    response = client.get("/document/frus1918Russiav03/d12/")
    assert response.status_code == 200
    assert "Slashed" in response.content.decode()


def test_drafts_are_invisible_to_the_public(client, demo):
    assert client.get("/document/10/").status_code == 404
    assert "Five Great Powers" not in client.get("/search/").content.decode()
    assert (
        "Five Great Powers" not in client.get("/collection/sino-soviet-alliance/").content.decode()
    )
    html = client.get("/collections/").content.decode()
    assert "Five Great Powers" not in html
    # The alliance collection has five documents, one a draft: four are counted.
    page = client.get("/search/").context["page"]
    alliance = next(o for o in page.facets["collection"] if o.value == "sino-soviet-alliance")
    assert alliance.count == 4


def test_editors_can_preview_drafts(admin_client, demo):
    response = admin_client.get("/document/10/")
    assert response.status_code == 200
    assert "only editors can see this document" in response.content.decode()


def test_unknown_document_is_404(client, db):
    response = client.get("/document/nope/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_previous_and_next_within_collection(client, demo):
    response = client.get("/document/4/")
    assert response.context["previous"].public_id == "2"
    assert response.context["next"].public_id == "5"


def test_collections_are_nested_with_counts(client, demo):
    response = client.get("/collections/")
    top = {node.slug: node for node in response.context["page"].object_list}
    sino = top["sino-soviet-relations"]
    assert sino.total == 4 + 3  # alliance (4 published) + rivalry (3)
    assert "sino-soviet-alliance" not in top  # parts are on their parent's page
    parts = client.get("/collection/sino-soviet-relations/").context["parts"].object_list
    assert [c.slug for c in parts] == ["sino-soviet-alliance", "sino-soviet-rivalry"]


def test_collection_page_is_searchable_within(client, demo):
    response = client.get("/collection/sino-soviet-relations/", {"q": "Gorbachev"})
    page = response.context["page"]
    assert [h.document.public_id for h in page.hits] == ["6"]
    everything = client.get("/collection/cuban-missile-crisis/").context["page"]
    assert everything.total == 1


def test_browse_pages(client, demo):
    assert "Sino-Soviet relations" in client.get("/subjects/").content.decode()
    places = client.get("/places/").content.decode()
    assert "World" in places and "Beijing" in places
    people = client.get("/people/").content.decode()
    assert "Mao Zedong" in people
    person = client.get("/person/mao-zedong/").content.decode()
    assert "Notes by Anastas Mikoyan" in person
    assert "Mao Tse-tung" in person  # a variant form
    place = client.get("/place/beijing/").content.decode()
    assert "Peking" in place
    assert client.get("/about/").status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "popularity"}, "sort"),
        ({"start_date": "1958-13"}, "not a real date"),
        ({"start_date": "last week"}, "is not a date"),
        ({"page": "two"}, "page"),
        ({"page": "99"}, "beyond the last page"),
        ({"page": "0"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"subject": "no-such-subject"}, "There is no subject"),
        ({"decade": "1955"}, "not a decade"),
        ({"start_date": "1960", "end_date": "1950"}, "after the end date"),
    ],
)
def test_bad_parameters_answer_400_saying_what_is_wrong(client, demo, params, message):
    response = client.get("/search/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    api = client.get("/api/v1/search", params)
    assert api.status_code == 400
    assert message in api.json()["error"]["message"] or any(
        message in m for msgs in api.json()["error"].get("fields", {}).values() for m in msgs
    )


def test_record_page_query_count_is_bounded(client, demo):
    doc = Document.objects.get(public_id="6")
    for n in range(6):
        Translation.objects.create(document=doc, html=f"<p>Part {n}</p>")
        Scan.objects.create(document=doc, file=f"scans/p{n}.png")
    with CaptureQueriesContext(connection) as few:
        client.get("/document/6/")
    doc.related.add(*Document.objects.exclude(pk=doc.pk))
    with CaptureQueriesContext(connection) as many:
        client.get("/document/6/")
    assert len(many) == len(few)
    # and two reads of the content stamp on PostgreSQL (chancery/web/freshness.py)
    assert len(many) <= 25 + (2 if connection.vendor == "postgresql" else 0)


def test_untrusted_html_is_sanitised_before_it_reaches_the_page(client, db):
    doc = DocumentFactory(public_id="x1")
    Transcript.objects.create(
        document=doc,
        html='<p onclick="steal()">Text<script>alert(1)</script>'
        '<a href="javascript:alert(2)">link</a><style>p{}</style><iframe src="x"></iframe></p>',
    )
    html = client.get("/document/x1/").content.decode()
    assert "Text" in html
    for bad in ["onclick", "<script>alert(1)", "javascript:", "<style>p{}", "<iframe"]:
        assert bad not in html


def test_debug_is_off_by_default(settings):
    from chancery import settings as chancery_settings

    assert chancery_settings.DEBUG is False


@pytest.mark.django_db
def test_a_value_only_drafts_use_is_no_value_to_select(client):
    """A search may select a subject or type only if a published document uses it: the
    value's name must not leak from a draft (each selected value is tested on its own)."""
    from .factories import SubjectFactory, TypeFactory

    secret = SubjectFactory(slug="secret-talks", name="Secret talks")
    draft_type = TypeFactory(slug="aide-memoire", name="Aide-mémoire")
    draft = DocumentFactory(title="Draft", status=Document.DRAFT, doc_type=draft_type)
    draft.subjects.add(secret)
    shown = SubjectFactory(slug="trade", name="Trade")
    DocumentFactory(title="Published").subjects.add(shown)
    assert client.get("/search/", {"subject": "trade"}).status_code == 200
    for params in ({"subject": "secret-talks"}, {"type": "aide-memoire"}):
        response = client.get("/search/", params)
        assert response.status_code == 400
        assert "There is no" in response.content.decode()
