# ruff: noqa: E501  (the expected citations are kept whole, one a line, to be read)
"""A citation per kind of source, checked against strings a historian would hand in:
FRUS documents from the printed volume (imported from the shared corpus), archival
documents of the demo archive (with a translator), and a scan-only item. BibTeX and RIS
are read back by bibtexparser and rispy, CSL-JSON is validated against the CSL-JSON schema
(from CHANCERY_SCHEMAS_DIR: skipped when it is not there)."""

import html
import json
import re

import bibtexparser
import jsonschema_rs
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from lxml import html as lxml_html

from chancery.cite import csl, formats, styles
from chancery.corpus import models
from chancery.corpus.schemas import missing, schema_file

from ..iiif.scans import scanned_document
from ..ingest.conftest import imported_volumes

pytestmark = pytest.mark.django_db
CSL_SCHEMA = "csl/csl-data.json"

#: (public id, Chicago note, Chicago bibliography), read against the printed volume and
#: the demo archive's records by hand.
CHICAGO = [
    ("frus1901China/d1", "“Document 1: To the Senate and House of Representatives,” in Foreign Relations of the United States, 1901, Appendix: Affairs in China, doc. 1 (1901; United States Government Printing Office, 1902), 3, http://testserver/document/frus1901China/d1/.",
     "“Document 1: To the Senate and House of Representatives.” In Foreign Relations of the United States, 1901, Appendix: Affairs in China, Doc. 1, 3. 1901; United States Government Printing Office, 1902. http://testserver/document/frus1901China/d1/."),
    ("frus1901China/d10", "“Cablegram Dated August 19 from Viceroy Li Hung Chang, Was Transmitted by the Chinese Minister in London and Received by Minister Wu on the Night of the Same Day,” in Foreign Relations of the United States, 1901, Appendix: Affairs in China, doc. 10 (1900; United States Government Printing Office, 1902), 15–16, http://testserver/document/frus1901China/d10/.",
     "“Cablegram Dated August 19 from Viceroy Li Hung Chang, Was Transmitted by the Chinese Minister in London and Received by Minister Wu on the Night of the Same Day.” In Foreign Relations of the United States, 1901, Appendix: Affairs in China, Doc. 10, 15–16. 1900; United States Government Printing Office, 1902. http://testserver/document/frus1901China/d10/."),
    ("frus1901China/d12", "“Memorandum in Response to the Chinese Minister’s Communication of Cablegrams from Viceroy Earl Li Hung Chang, Dated August 19 and 21, Proposing the Immediate Cessation of Hostilities and the Appointment of an Envoy to Conduct Negotiations, Received at the Department of State August 20 and 21, 1900,” in Foreign Relations of the United States, 1901, Appendix: Affairs in China, doc. 12 (1900; United States Government Printing Office, 1902), 16, http://testserver/document/frus1901China/d12/.",
     "“Memorandum in Response to the Chinese Minister’s Communication of Cablegrams from Viceroy Earl Li Hung Chang, Dated August 19 and 21, Proposing the Immediate Cessation of Hostilities and the Appointment of an Envoy to Conduct Negotiations, Received at the Department of State August 20 and 21, 1900.” In Foreign Relations of the United States, 1901, Appendix: Affairs in China, Doc. 12, 16. 1900; United States Government Printing Office, 1902. http://testserver/document/frus1901China/d12/."),
    ("frus1901China/d30", "“The French Chargé d’Affaires to the Secretary of State,” in Foreign Relations of the United States, 1901, Appendix: Affairs in China, doc. 30 (1900; United States Government Printing Office, 1902), 26–27, http://testserver/document/frus1901China/d30/.",
     "“The French Chargé d’Affaires to the Secretary of State.” In Foreign Relations of the United States, 1901, Appendix: Affairs in China, Doc. 30, 26–27. 1900; United States Government Printing Office, 1902. http://testserver/document/frus1901China/d30/."),
    ("1", "“Transcript, Meeting of East German leader Erich Honecker and Soviet leader Leonid Brezhnev, Crimea, 25 July 1978 (excerpt),” Transcript, Sino-Soviet Relations › Rivalry and Rapprochement, 1978–1989, July 25, 1978, Stiftung Archiv der Parteien und Massenorganisationen der DDR im Bundesarchiv, http://testserver/document/1/.",
     "“Transcript, Meeting of East German leader Erich Honecker and Soviet leader Leonid Brezhnev, Crimea, 25 July 1978 (excerpt).” Transcript. Sino-Soviet Relations › Rivalry and Rapprochement, 1978–1989. July 25, 1978. Stiftung Archiv der Parteien und Massenorganisationen der DDR im Bundesarchiv. http://testserver/document/1/."),
    ("2", "Central Committee of the Communist Party of the Soviet Union, “Letter, Central Committee of the Communist Party of the Soviet Union to the Chinese Communist Party, on the Soviet Union's Readiness to Provide Assistance to China in the Event of an Attack,” Letter, Sino-Soviet Relations › The Sino-Soviet Alliance, 1946–1958, September 27, 1958, http://testserver/document/2/.",
     "Central Committee of the Communist Party of the Soviet Union. “Letter, Central Committee of the Communist Party of the Soviet Union to the Chinese Communist Party, on the Soviet Union's Readiness to Provide Assistance to China in the Event of an Attack.” Letter. Sino-Soviet Relations › The Sino-Soviet Alliance, 1946–1958. September 27, 1958. http://testserver/document/2/."),
    ("3", "Politburo of the CPSU Central Committee, “CPSU CC Politburo Directive to Soviet Ambassadors and Representatives, 'Carrying Out Additional Measures to Counter American-Chinese Military Cooperation',” Directive, Sino-Soviet Relations › Rivalry and Rapprochement, 1978–1989, October 2, 1980, http://testserver/document/3/.",
     "Politburo of the CPSU Central Committee. “CPSU CC Politburo Directive to Soviet Ambassadors and Representatives, 'Carrying Out Additional Measures to Counter American-Chinese Military Cooperation'.” Directive. Sino-Soviet Relations › Rivalry and Rapprochement, 1978–1989. October 2, 1980. http://testserver/document/3/."),
    ("7", "Anastas Mikoyan, “Notes by Anastas Mikoyan ahead of Meetings with Mao Zedong,” Notes, Sino-Soviet Relations › The Sino-Soviet Alliance, 1946–1958, January 31, 1949, Archive of the President of the Russian Federation, http://testserver/document/7/.",
     "Mikoyan, Anastas. “Notes by Anastas Mikoyan ahead of Meetings with Mao Zedong.” Notes. Sino-Soviet Relations › The Sino-Soviet Alliance, 1946–1958. January 31, 1949. Archive of the President of the Russian Federation. http://testserver/document/7/."),
    ("9", "Aleksandr Alekseev, “Ciphered Telegram from Ambassador to Cuba Alekseev to the Central Committee for the Communist Party of the Soviet Union,” Telegram, The Cuban Missile Crisis, November 2, 1962, Archive of Foreign Policy of the Russian Federation, http://testserver/document/9/.",
     "Alekseev, Aleksandr. “Ciphered Telegram from Ambassador to Cuba Alekseev to the Central Committee for the Communist Party of the Soviet Union.” Telegram. The Cuban Missile Crisis. November 2, 1962. Archive of Foreign Policy of the Russian Federation. http://testserver/document/9/."),
]  # fmt: skip


@pytest.fixture(scope="module")
def china_1901(django_db_setup, django_db_blocker):
    """FRUS 1901, Affairs in China, imported once through the real command."""
    with imported_volumes(django_db_blocker, ("frus1901China.xml",)):
        yield


def _text(fragment) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(fragment)))


def _cite(client, public_id: str) -> dict[str, str]:
    response = client.get(f"/document/{public_id}/")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    quotes = tree.xpath("//blockquote[not(@data-style='chicago-note-page')]")
    return {b.get("data-style"): b.text_content() for b in quotes}


def _item(client, public_id: str) -> dict:
    (item,) = json.loads(client.get(f"/document/{public_id}/cite.json").content)
    return item


@pytest.mark.parametrize(("public_id", "note", "bibliography"), CHICAGO[:4])
def test_frus_documents_are_cited_from_the_printed_volume(
    client, china_1901, public_id, note, bibliography
):
    cited = _cite(client, public_id)
    assert cited["chicago-note"] == note
    assert cited["chicago"] == bibliography


@pytest.mark.parametrize(("public_id", "note", "bibliography"), CHICAGO[4:])
def test_archival_documents_are_cited_from_their_repository(
    client, demo, public_id, note, bibliography
):
    cited = _cite(client, public_id)
    assert cited["chicago-note"] == note
    assert cited["chicago"] == bibliography


def test_no_title_or_punctuation_is_doubled(client, china_1901, demo):
    for public_id, *_ in CHICAGO:
        for style, text in _cite(client, public_id).items():
            assert not re.search(r"\.\.(?!\.)|,,|\.,|,\.|:\.", text), (public_id, style, text)
            title = csl.clean_title(models.Document.objects.get(public_id=public_id).title)
            assert text.casefold().count(title.casefold()[:40]) <= 1, (public_id, style)


def test_every_style_of_a_frus_document_names_volume_pages_and_year(client, china_1901):
    cited = _cite(client, "frus1901China/d10")
    assert set(cited) == {"chicago-note", "chicago", "mla", "apa", "turabian-note", "turabian"}
    assert cited["mla"].endswith(
        "doc. 10, United States Government Printing Office, 1902, pp. 15–16. Chancery Digital "
        "Archive, http://testserver/document/frus1901China/d10/."
    )
    assert "(Doc. 10; pp. 15–16). United States Government Printing Office." in cited["apa"]
    # Turabian (Chicago 17th) keeps the place of publication, as the example does;
    # 1900 is the document's own date (inferred from "Handed to Mr. Adee … August 20, 1900").
    assert (
        "in Foreign Relations of the United States, 1901, Appendix: Affairs in China, "
        "doc. 10 (1900; Washington: United States Government Printing Office, 1902), 15–16"
        in (cited["turabian-note"])
    )


def test_record_page_shows_document_number_pages_and_volume(client, china_1901):
    tree = lxml_html.fromstring(client.get("/document/frus1901China/d10/").content)
    (line,) = tree.xpath("//p[@class='record-printed']")
    assert " ".join(line.text_content().split()) == (
        "Document 10 · pp. 15–16 · Foreign Relations of the United States, 1901, Appendix: "
        "Affairs in China"
    )
    printed = tree.xpath("//dt[.='Printed in']/following-sibling::dd[1]")[0].text_content()
    assert "Report of William W. Rockhill" in printed, "the description has the full title"
    assert "(Washington: United States Government Printing Office, 1902), document 10" in printed
    text = " ".join(tree.xpath("//div[@class='text']")[0].text_content().split())
    assert "having [Page 16] entered Pekin" in text


def test_volume_imprint_and_page_ranges_are_stored(china_1901):
    volume = models.Collection.objects.get(documents__public_id="frus1901China/d1").edition()
    assert (volume.series, volume.pub_place, volume.publisher, volume.pub_year) == (
        "Foreign Relations of the United States, 1901", "Washington",
        "United States Government Printing Office", "1902",
    )  # fmt: skip
    # cited by its short printed title, as a historian does; the full title stays the title
    assert (
        volume.short_title
        == "Foreign Relations of the United States, 1901, Appendix: Affairs in China"
    )
    assert volume.title.endswith(
        "Report of William W. Rockhill, Late Commissioner to China, with Accompanying Documents"
    )
    pages = dict(
        (d.public_id, (d.number, d.page_start, d.page_end))
        for d in models.Document.objects.filter(
            public_id__in=["frus1901China/d1", "frus1901China/d30"]
        )
    )
    assert pages == {"frus1901China/d1": ("1", "3", "3"), "frus1901China/d30": ("30", "26", "27")}


def test_bibtex_and_ris_carry_the_volume(client, china_1901):
    text = client.get("/document/frus1901China/d30/cite.bib").content.decode()
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "incollection"
    fields = {f.key: f.value for f in entry.fields}
    assert (
        fields["booktitle"]
        == "Foreign Relations of the United States, 1901, Appendix: Affairs in China"
    )
    assert (fields["number"], fields["pages"], fields["year"]) == ("30", "26--27", "1902")
    assert (fields["publisher"], fields["address"]) == (
        "United States Government Printing Office", "Washington"
    )  # fmt: skip
    assert fields["origdate"] == "1900-10-04"
    (ris,) = rispy.loads(client.get("/document/frus1901China/d30/cite.ris").content.decode())
    assert ris["type_of_reference"] == "CHAP"
    assert (ris["start_page"], ris["end_page"], ris["number"]) == ("26", "27", "30")
    assert ris["secondary_title"] == fields["booktitle"]
    assert (ris["publisher"], ris["place_published"], ris["year"]) == (
        "United States Government Printing Office", "Washington", "1902"
    )  # fmt: skip


def test_persons_are_persons_in_bibtex_and_ris(client, demo):
    text = client.get("/document/5/cite.bib").content.decode()
    assert "{{V. M. Molotov}}" not in text
    (entry,) = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    ).entries
    (author,) = entry["author"]
    assert (author.last, author.first) == (["Molotov"], ["V.", "M."])
    (ris,) = rispy.loads(client.get("/document/5/cite.ris").content.decode())
    assert ris["authors"] == ["Molotov, V. M."]
    # an organisation stays one name
    text = client.get("/document/2/cite.bib").content.decode()
    assert "author = {{Central Committee of the Communist Party of the Soviet Union}}" in text


def test_a_chinese_name_keeps_its_family_name_first():
    item = csl.person_name("Mao Zedong", family_first=True)
    assert (item["family"], item["given"]) == ("Mao", "Zedong")
    rendered = styles.render(
        {"id": "m", "type": "manuscript", "title": "Telegram", "author": [item]},
        styles.STYLES[0],
    )
    assert _text(rendered.note).startswith("Mao Zedong, “Telegram,”")


def test_translator_and_original_language_are_named(client, demo):
    doc = models.Document.objects.get(public_id="5")
    doc.translations.create(html="<p>…</p>", language_id="eng", translator="Roe, Jane")
    cited = _cite(client, "5")
    assert "Diary, translated from Russian, trans. Jane Roe," in cited["chicago-note"]
    assert "Translated by Jane Roe" in cited["chicago"]
    item = _item(client, "5")
    assert item["translator"] == [{"family": "Roe", "given": "Jane"}]
    assert item["language"] == "ru"
    bib = client.get("/document/5/cite.bib").content.decode()
    (entry,) = bibtexparser.parse_string(bib).entries
    assert entry.fields_dict["translator"].value == "Roe, Jane"
    (ris,) = rispy.loads(client.get("/document/5/cite.ris").content.decode())
    assert ris["subsidiary_authors"] == ["Roe, Jane"]


def test_a_scan_only_item_says_it_is_read_from_a_scan(client):
    scanned_document()
    item = _item(client, "frus1958v03/d12")
    assert item["medium"] == "digitised scan"
    assert "digitised scan" in _cite(client, "frus1958v03/d12")["chicago"]


def test_csl_json_is_valid_against_the_csl_schema(client, china_1901, demo):
    scanned_document()
    downloads = {}
    for public_id in [p for p, *_ in CHICAGO] + ["frus1958v03/d12"]:
        response = client.get(f"/document/{public_id}/cite.json")
        assert response.status_code == 200
        (item,) = downloads[public_id] = json.loads(response.content)
        assert item["type"] in {"chapter", "manuscript"}, public_id
        assert item["title"] and item["URL"].endswith(f"/document/{public_id}/"), public_id
    path = schema_file(CSL_SCHEMA)
    if path is None:
        pytest.skip(missing(CSL_SCHEMA))
    validator = jsonschema_rs.validator_for(json.loads(path.read_text(encoding="utf-8")))
    for public_id, items in downloads.items():
        errors = [e.message for e in validator.iter_errors(items)]
        assert not errors, (public_id, errors)


def test_bibtex_of_every_record_parses(client, china_1901, demo):
    for public_id, *_ in CHICAGO:
        library = bibtexparser.parse_string(
            client.get(f"/document/{public_id}/cite.bib").content.decode()
        )
        assert not library.failed_blocks and len(library.entries) == 1
        (ris,) = rispy.loads(client.get(f"/document/{public_id}/cite.ris").content.decode())
        assert ris["title"] == csl.clean_title(
            models.Document.objects.get(public_id=public_id).title
        )


def test_formats_share_one_item():
    item = {"id": "a/b", "type": "manuscript", "title": "T", "URL": "http://x/"}
    assert formats.citation_key(item) == "a_b"


def test_cite_this_page_from_a_page_marker(client, china_1901):
    tree = lxml_html.fromstring(client.get("/document/frus1901China/d10/").content)
    marker = tree.xpath("//span[@class='pb'][@data-page='16']")[0]
    assert marker.get("id") == "page-16"
    assert marker.xpath("./a/@href") == ["#cite-page-16"]
    (cited,) = tree.xpath("//li[@id='cite-page-16']//blockquote")
    assert cited.text_content().endswith(
        "doc. 10 (1900; United States Government Printing Office, 1902), 16, "
        "http://testserver/document/frus1901China/d10/#page-16."
    )
    (ris,) = rispy.loads(client.get("/document/frus1901China/d10/cite.ris?page=16").text)
    assert (ris["start_page"], ris["end_page"]) == ("16", "16")
    assert ris["urls"] == ["http://testserver/document/frus1901China/d10/#page-16"]
    response = client.get("/document/frus1901China/d10/cite.bib?page=99")
    assert response.status_code == 400
    assert "no printed page '99'" in response.content.decode()


def test_every_page_note_reads_as_if_rendered_for_that_page(client, china_1901):
    """The record page fills one rendering with each plain page number (citeproc is slow):
    each note is what citeproc itself makes for that page."""
    from chancery.cite.page import record_citations

    doc = models.Document.objects.with_record().get(public_id="frus1901China/d10")
    collections = [m.collection for m in doc.membership_set.all()]
    request = client.get("/").wsgi_request
    cited = record_citations(request, doc, collections, list(doc.repositories.all()),
                             collections[0].edition())  # fmt: skip
    record = csl.record_for(doc, request.build_absolute_uri(doc.get_absolute_url()),
                            collections, list(doc.repositories.all()), collections[0].edition())  # fmt: skip
    assert [p.page for p in cited.pages] == ["15", "16"]
    for page in cited.pages:
        direct = styles._render(csl.item(record, page.page), styles.STYLES[0]).note
        assert page.note == direct
