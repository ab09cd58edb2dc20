"""Taking a result set away: every export format parsed back by a real reader, the ZIP
dataset's manifest and texts, the cap, bad parameters, and the JSON API's twin."""

import csv
import io
import json
import zipfile

import bibtexparser
import pytest
import rispy
from lxml import html as lxml_html

from chancery.corpus import models
from chancery.search.indexing import index_documents

from .factories import CollectionFactory, DocumentFactory, language

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def archive(db):
    book = CollectionFactory(
        title="Foreign Relations of the United States, 1901", slug="frus1901",
        publisher="Government Printing Office", pub_place="Washington", pub_year="1902",
    )  # fmt: skip
    folder = CollectionFactory(title="Sino-Soviet Relations", slug="sino-soviet")
    docs = [
        DocumentFactory(
            public_id=f"frus1901/d{n}", title=f"Mr. Rockhill to Mr. Hay, treaty {n}.",
            date=f"1900-08-{n:02d}", number=str(n), page_start=str(n), page_end=str(n + 1),
            collections=[book], text=f"<p>The treaty, day {n}.</p>",
        )
        for n in range(1, 8)
    ]  # fmt: skip
    letter = DocumentFactory(
        public_id="ru/1", title="=Letter on the treaty", date="1958-09-27",
        collections=[folder], languages=[language("rus", "Russian")],
    )  # fmt: skip
    letter.transcripts.create(html="<p>Договор</p>", language=language("rus", "Russian"))
    letter.translations.create(html="<p>The treaty</p>", translator="Roe, Jane")
    DocumentFactory(public_id="other/1", title="Unrelated memo", text="<p>Nothing</p>")
    return docs + [letter]


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response.streaming
    return response, b"".join(response.streaming_content)


def test_csv_parses_back_with_one_row_per_document(client, archive):
    response, body = _get(client, "/search/export.csv?q=treaty")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 8
    assert rows[0]["id"] == "frus1901/d1" and rows[0]["pages"] == "pp. 1–2"
    assert rows[0]["printed_in"] == "Foreign Relations of the United States, 1901"
    letter = next(r for r in rows if r["id"] == "ru/1")
    assert letter["title"] == "'=Letter on the treaty"  # not a formula in a spreadsheet
    assert letter["text_layers"] == "transcript; translation"


def test_jsonl_carries_every_text_layer_and_a_citation(client, archive):
    _, body = _get(client, "/search/export.jsonl?q=treaty")
    records = [json.loads(line) for line in body.decode().splitlines()]
    assert [r["id"] for r in records][:2] == ["frus1901/d1", "frus1901/d2"]
    letter = next(r for r in records if r["id"] == "ru/1")
    assert [(t["kind"], t["language"]) for t in letter["texts"]] == [
        ("transcript", "rus"), ("translation", None)
    ]  # fmt: skip
    assert letter["texts"][1]["translator"] == "Roe, Jane"
    assert letter["collection_path"] == ["Sino-Soviet Relations"]
    assert letter["citation"]["translator"] == [{"family": "Roe", "given": "Jane"}]
    assert records[0]["citation"]["type"] == "chapter"
    assert records[0]["document_number"] == "1"


def test_bibtex_and_ris_parse_back(client, archive):
    _, body = _get(client, "/search/export.bib?q=treaty")
    library = bibtexparser.parse_string(body.decode())
    assert not library.failed_blocks
    assert len(library.entries) == 8
    assert library.entries[0]["booktitle"] == "Foreign Relations of the United States, 1901"
    _, body = _get(client, "/search/export.ris?q=treaty")
    entries = rispy.loads(body.decode())
    assert len(entries) == 8
    assert entries[0]["type_of_reference"] == "CHAP" and entries[0]["start_page"] == "1"


def test_the_zip_is_a_research_dataset(client, archive):
    response, body = _get(client, "/search/export.zip?q=treaty&start_date=1900")
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body)) as archive_file:
        assert archive_file.testzip() is None
        assert set(archive_file.namelist()) == {
            "manifest.json", "records.jsonl", "records.csv", "citations.bib", "citations.ris"
        }  # fmt: skip
        manifest = json.loads(archive_file.read("manifest.json"))
        records = archive_file.read("records.jsonl").decode().splitlines()
        bib = archive_file.read("citations.bib").decode()
        ris = archive_file.read("citations.ris").decode()
    assert manifest["query"] == {"q": "treaty", "start_date": "1900"}
    assert manifest["archive"]["url"] == "http://testserver/"
    assert manifest["exported_at"][:2] == "20"
    assert manifest["search_url"] == "http://testserver/search/?q=treaty&start_date=1900"
    assert manifest["records"] == len(records) == 8
    assert len(bibtexparser.parse_string(bib).entries) == 8
    assert len(rispy.loads(ris)) == 8


def test_an_export_over_the_cap_is_refused_with_the_reason(client, archive, settings):
    settings.EXPORT_MAX_RECORDS = 5
    response = client.get("/search/export.csv?q=treaty")
    assert response.status_code == 400
    assert "finds 8 documents; one export holds at most 5" in response.content.decode()
    api = client.get("/api/v1/search/export.csv?q=treaty")
    assert api.status_code == 400
    assert "at most 5" in api.json()["error"]["message"]


def test_bad_parameters_and_formats(client, archive):
    assert client.get("/search/export.csv?start_date=soon").status_code == 400
    assert client.get("/search/export.pdf?q=treaty").status_code == 404
    api = client.get("/api/v1/search/export.pdf?q=treaty")
    assert api.status_code == 404 and "csv, jsonl" in api.json()["error"]["message"]


def test_the_api_exports_the_same(client, archive):
    _, web = _get(client, "/search/export.jsonl?q=treaty&language=rus")
    response, api = _get(client, "/api/v1/search/export.jsonl?q=treaty&language=rus")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert [json.loads(x)["id"] for x in api.splitlines()] == ["ru/1"]
    assert api == web


def test_drafts_are_never_exported(client, archive):
    models.Document.objects.filter(public_id="frus1901/d1").update(status="draft")
    index_documents(list(models.Document.objects.values_list("pk", flat=True)))
    _, body = _get(client, "/search/export.jsonl?q=treaty")
    assert "frus1901/d1" not in [json.loads(x)["id"] for x in body.splitlines()]


def test_a_basket_link_lists_and_downloads_its_documents(client, archive):
    tree = lxml_html.fromstring(client.get("/basket/?id=ru/1&id=frus1901/d2&id=nothing").content)
    assert [a.text_content() for a in tree.xpath("//h2[@class='hit-title']/a")] == [
        "=Letter on the treaty", "Mr. Rockhill to Mr. Hay, treaty 2."
    ]  # fmt: skip
    assert "nothing" in tree.xpath("//p[@class='notice']")[0].text_content()
    share = tree.xpath("//a[@class='basket-share']/@href")[0]
    assert share == "http://testserver/basket/?id=ru%2F1&id=frus1901%2Fd2"
    zip_url = next(
        a.get("href") for a in tree.xpath("//p[@class='export-links']/a") if "ZIP" in a.text
    )
    _, body = _get(client, zip_url)
    with zipfile.ZipFile(io.BytesIO(body)) as dataset:
        ids = [json.loads(x)["id"] for x in dataset.read("records.jsonl").splitlines()]
        manifest = json.loads(dataset.read("manifest.json"))
    assert sorted(ids) == ["frus1901/d2", "ru/1"]
    assert manifest["query"] == {"id": ["ru/1", "frus1901/d2"]}
    assert manifest["basket_url"] == "http://testserver/basket/?id=ru%2F1&id=frus1901%2Fd2"


def test_a_basket_never_shows_drafts_and_is_bounded(client, archive):
    models.Document.objects.filter(public_id="ru/1").update(status="draft")
    tree = lxml_html.fromstring(client.get("/basket/?id=ru/1").content)
    assert not tree.xpath("//li[@class='hit']")
    assert client.get("/basket/export.csv").status_code == 400
    many = "&".join(f"id=x{n}" for n in range(201))
    assert client.get(f"/basket/?{many}").status_code == 400
