"""The real ``digitalarchive`` client (PyPI, 0.1.12) against a live Chancery server.

The client hard-codes https://digitalarchive.wilsoncenter.org; its HTTP session is
replaced by one whose transport sends every request to the live test server instead.
Nothing else of the client is touched.
"""

import datetime as dt

import digitalarchive as da
import httpx
import pytest
from digitalarchive import api as da_api
from digitalarchive.matching import ResourceMatcher
from django.core.files.base import ContentFile

from chancery.corpus import models
from chancery.search.indexing import index_documents, indexing_paused
from tests.factories import (
    AgentFactory,
    CollectionFactory,
    DocumentFactory,
    PlaceFactory,
    SubjectFactory,
    language,
)
from tests.iiif.scans import pdf_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]

PDF = pdf_bytes(1)  # a real PDF: uploads are judged by content


class LiveServerTransport(httpx.HTTPTransport):
    """Sends requests meant for the Wilson Center to our live server."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base = httpx.URL(base_url)

    def handle_request(self, request):
        request.url = request.url.copy_with(
            scheme=self.base.scheme, host=self.base.host, port=self.base.port
        )
        request.headers["Host"] = f"{self.base.host}:{self.base.port}"
        return super().handle_request(request)


@pytest.fixture
def archive(live_server, monkeypatch):
    """25 published telegrams over three years, one with texts and a scan, one draft."""
    monkeypatch.setattr(
        da_api, "SESSION", httpx.Client(transport=LiveServerTransport(live_server.url))
    )
    with indexing_paused():
        data = _build()
    index_documents(models.Document.objects.values_list("pk", flat=True))
    return data


def _build():
    rus = language("rus", "Russian")
    eng = language("eng", "English")
    china = PlaceFactory(name="China", slug="china")
    beijing = PlaceFactory(name="Beijing", slug="beijing", parent=china)
    treaty = SubjectFactory(name="Sino-Soviet Treaty", slug="sino-soviet-treaty")
    xinjiang = CollectionFactory(title="Local Nationalism in Xinjiang", slug="xinjiang")
    other = CollectionFactory(title="Other Telegrams", slug="other")
    docs = []
    for n in range(25):
        docs.append(
            DocumentFactory(
                public_id=f"frus1958/d{n}",
                date=f"{1957 + n % 3}-03-{n + 1:02d}",
                collections=[xinjiang if n < 6 else other],
                subjects=[treaty] if n % 2 else [],
                places=[beijing],
                languages=[rus],
            )
        )
    docs[3].people.add(AgentFactory(name="Mao Zedong", slug="mao-zedong"))
    DocumentFactory(public_id="draft/d1", title="Secret treaty draft", status="draft")
    rich = docs[0]
    models.Translation.objects.create(
        document=rich, language=eng, html="<p>Comrade Mao received the ambassador.</p>"
    )
    models.Transcript.objects.create(
        document=rich, language=rus, html="<p>Товарищ Мао принял посла.</p>"
    )
    scan = models.Scan(document=rich, label="Page 1")
    scan.file.save("page1.pdf", ContentFile(PDF), save=True)
    return {"docs": docs, "xinjiang": xinjiang, "treaty": treaty, "beijing": beijing}


def test_keyword_search_finds_published_documents_only(archive):
    found = da.Document.match(title="treaty").all()
    ids = {doc.id for doc in found}
    assert ids == {f"frus1958/d{n}" for n in range(25)}
    assert "draft/d1" not in ids
    assert all(isinstance(doc.first_published_at, dt.datetime) for doc in found)


def test_all_pages_through_a_multi_page_result(archive):
    # The client's own pagination (Document.match always asks for 200 a page).
    matcher = ResourceMatcher(da.Document, items_per_page=7, model="Record", q="treaty")
    assert matcher.count == 25
    found = matcher.all()
    assert len(found) == 25
    assert len({doc.id for doc in found}) == 25


def test_filter_by_date_range(archive):
    found = da.Document.match(
        title="telegram", start_date=dt.date(1958, 1, 1), end_date=dt.date(1958, 12, 31)
    ).all()
    assert found
    assert {doc.doc_date[:4] for doc in found} == {"1958"}
    # Only an end date: the client asks /srv/record/date_range.json for the start.
    before = da.Document.match(end_date=dt.date(1957, 12, 31)).all()
    assert before and {doc.doc_date[:4] for doc in before} == {"1957"}


def test_filter_by_collection(archive):
    xinjiang = da.Collection.match(name="Xinjiang").first()
    assert xinjiang.slug == "xinjiang"
    found = da.Document.match(collections=[xinjiang]).all()
    assert {doc.id for doc in found} == {f"frus1958/d{n}" for n in range(6)}


def test_fetch_by_id_and_hydrate_with_translations_and_transcripts(archive):
    doc = da.Document.match(id="frus1958/d0").first()
    doc.hydrate(recurse=True)
    assert doc.title == archive["docs"][0].title
    assert doc.languages[0].id == "rus"
    assert "Comrade Mao received the ambassador" in doc.translations[0].html
    assert doc.translations[0].language.id == "eng"
    assert "Товарищ Мао принял посла" in doc.transcripts[0].html
    assert doc.media_files[0].pdf.startswith(b"%PDF")
    assert doc.collections[0].name == "Local Nationalism in Xinjiang"
    assert doc.collections[0].no_of_documents == "6"
    assert doc.original_coverages[0].name == "Beijing"


def test_filter_by_language_subject_and_contributor(archive):
    assert len(da.Document.match(languages=["rus"]).all()) == 25
    treaty = da.Subject.match(name="Sino-Soviet").first()
    found = da.Document.match(subjects=[treaty], title="telegram").all()
    assert {doc.id for doc in found} == {f"frus1958/d{n}" for n in range(1, 25, 2)}
    mao = da.Contributor.match(name="Mao").first()
    assert [doc.id for doc in da.Document.match(contributors=[mao]).all()] == ["frus1958/d3"]


def test_drafts_are_not_found(archive):
    with pytest.raises(da.exceptions.NoSuchResourceError):
        da.Document.match(id="draft/d1").first()


def test_list_collections_subjects_and_coverages(archive):
    assert {c.slug for c in da.Collection.match().all()} == {"xinjiang", "other"}
    assert [s.name for s in da.Subject.match(name="treaty").all()] == ["Sino-Soviet Treaty"]
    coverages = {c.name: c for c in da.Coverage.match().all()}
    assert set(coverages) == {"China", "Beijing"}
    beijing = coverages["Beijing"]
    beijing.hydrate()
    assert beijing.parent.name == "China"
    china = coverages["China"]
    china.hydrate()
    assert [c.name for c in china.children] == ["Beijing"]


def test_assets_resolve_with_the_doubled_slash_the_client_sends():
    # The client requests "https://<host>/" + url, and url starts with "/".
    from django.urls import resolve

    from chancery.api import srv

    assert resolve("//srv/transcripts/7.html").func == srv.text_asset
    assert resolve("//srv/media_files/7.pdf").func == srv.media_file
