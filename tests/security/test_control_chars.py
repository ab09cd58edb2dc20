"""One control character must not break the feeds or the harvest (issue #11).

Replayed: a vertical tab typed into a title in the admin, a NUL in each import format,
a bad character forced into the database behind the application's back; then a real
harvester (Sickle) over every OAI page and a real feed reader (feedparser) must succeed.
Control characters in request parameters answer 400 or OAI ``badArgument``, never 500.
Also: CSV export cells that a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from lxml import etree
from sickle import Sickle

from chancery.corpus import models
from chancery.corpus.text import has_illegal, illegal_characters, strip_illegal
from chancery.ingest.csvfile import COLUMNS
from chancery.search.indexing import index_documents
from tests.factories import DocumentFactory, SubjectFactory
from tests.ingest.conftest import write_export

pytestmark = pytest.mark.engine

OAI_NS = {"oai": "http://www.openarchives.org/OAI/2.0/"}
FRUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "frus"
BAD = ["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\ufffe"]


def run_import(fmt: str, path: Path) -> tuple[bool, str]:
    """(succeeded, everything the command printed), at -v 2 so every note is listed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", fmt, str(path), "--no-progress", "-v", "2", stdout=out, stderr=err)
    except CommandError:
        return False, out.getvalue() + err.getvalue()
    return True, out.getvalue() + err.getvalue()


def stored_text() -> str:
    """Every text of every corpus row, joined: where a stray character would show."""
    parts = []
    for model in (models.Document, models.Subject, models.Place, models.Agent, models.AgentVariant,
                  models.Collection, models.Transcript, models.Translation, models.Repository,
                  models.DocumentType):  # fmt: skip
        for row in model.objects.values():
            parts += [v for v in row.values() if isinstance(v, str)]
    return "\n".join(parts)


# -- the one function --------------------------------------------------------------------


def test_strip_removes_what_xml_cannot_carry_and_keeps_everything_else():
    kept = "Tab\there, line\nfeed, CR\r, Пекин 北京 ‘quotes’ \U0001f4dc \ufffd \u00a0"
    assert strip_illegal(kept) == kept and not has_illegal(kept)
    dirty = "a\x00b\x0bc\x7fd\x92e\ufffff\ud800g"
    assert strip_illegal(dirty) == "abcdefg"
    assert illegal_characters("x\x0by\x00") == "U+000B VT, U+0000 NUL"
    for char in BAD:  # and lxml agrees the result is XML
        etree.fromstring(f"<t>{strip_illegal(f'a{char}b')}</t>".encode())


# -- the admin ---------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, monkeypatch, db):
    """Logged in as an editor made the documented way (staff, not superuser)."""
    monkeypatch.setenv("CHANCERY_PASSWORD", "archives are forever 1958")
    call_command("createuser", "clio", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="clio"))
    return client


INLINES = ("membership_set", "translations", "transcripts", "scans")


def document_form(**fields) -> dict:
    data = {"public_id": "paste/1", "title": "A title", "summary": "", "status": "draft",
            "date": "1958", "source": ""}  # fmt: skip
    data.update(fields)
    for prefix in INLINES:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_a_vertical_tab_typed_into_a_title_is_refused_with_a_clear_message(editor_client):
    response = editor_client.post(
        "/admin/corpus/document/add/", document_form(title="Treaty\x0bof Paris")
    )
    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "invisible control characters (U+000B VT)" in page
    assert not models.Document.objects.exists()
    response = editor_client.post(
        "/admin/corpus/document/add/", document_form(title="Treaty of Paris")
    )
    assert response.status_code == 302
    assert models.Document.objects.get().title == "Treaty of Paris"


def test_every_admin_form_of_the_archive_checks_typed_text():
    from django.contrib import admin

    from chancery.corpus.admin import TypedText

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "corpus":
            continue
        assert isinstance(model_admin, TypedText), model
        for inline in model_admin.inlines:
            assert issubclass(inline, TypedText), inline


def test_a_save_outside_any_form_is_stripped(db):
    doc = models.Document.objects.create(public_id="x/\x001", title="Title\x0b", summary="a\x0cb")
    doc.refresh_from_db()
    assert (doc.public_id, doc.title, doc.summary) == ("x/1", "Title", "ab")
    subject = models.Subject.objects.create(name="Nu\x1fclear")
    assert models.Subject.objects.get(pk=subject.pk).name == "Nuclear"


# -- the importers -----------------------------------------------------------------------


def test_a_nul_in_a_csv_import_is_stripped_and_reported_by_line(db, client, tmp_path):
    path = tmp_path / "docs.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerow(
            {
                "public_id": "acme/1",
                "title": "Tele\x00gram from Moscow",
                "subjects": "Nu\x00clear weapons",
                "people": "Khru\x0bshchev, Nikita",
                "collections": "Cold\x00 War > 1958",
                "translation": "First\x1f.",
            }
        )
        writer.writerow({"public_id": "acme/2", "title": "Clean reply"})  # fmt: skip
    ok, output = run_import("csv", path)
    assert ok, output
    assert "2 created" in output
    assert "docs.csv:2 (row 1): removed control characters XML cannot carry" in output
    assert "U+0000 NUL" in output and "U+000B VT" in output
    assert "docs.csv:3" not in output
    assert models.Document.objects.get(public_id="acme/1").title == "Telegram from Moscow"
    assert models.Subject.objects.get().name == "Nuclear weapons"
    assert models.Agent.objects.get().name == "Khrushchev, Nikita"
    assert models.Collection.objects.filter(title="Cold War").exists()
    assert not has_illegal(stored_text())
    ok, output = run_import("csv", path)  # the same file again: nothing changes
    assert ok and "2 unchanged" in output
    assert not feedparser.parse(client.get("/feed/").content).bozo
    harvest = client.get("/oai?verb=ListRecords&metadataPrefix=mods")
    assert len(etree.fromstring(harvest.content).findall(".//oai:record", OAI_NS)) == 2


def test_a_nul_in_da_json_is_stripped_and_reported(db, tmp_path):
    path = tmp_path / "record.json"
    record = {
        "id": "119955", "title": "Memorandum\u0000 of Conversation", "doc_date": "19500101",
        "description": "Mao\u000b explains.",
        "subjects": [{"id": "12", "name": "Sino\u0000-Soviet"}],
        "creators": [{"id": "901", "name": "Roshchin\u001f, N. V."}],
        "original_coverages": [{"id": "44", "name": "Chi\ud800na"}],
        "transcripts": [], "translations": [{"id": "1", "html": "<p>Text\u0001</p>"}],
    }  # fmt: skip
    path.write_text(json.dumps(record), encoding="utf-8")
    ok, output = run_import("da-json", path)
    assert ok, output
    assert "record.json, item 1 (record 119955): removed control characters XML cannot" in output
    doc = models.Document.objects.get(public_id="119955")
    assert doc.title == "Memorandum of Conversation"
    assert models.Subject.objects.get().name == "Sino-Soviet"
    assert models.Place.objects.get().name == "China"
    asset = tmp_path / "transcript.json"  # a lone asset added to the document
    asset.write_text(
        json.dumps({"id": "7", "filename": "Tran\u0000script", "html": "<p>Пекин\u0000</p>"}),
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "da-json", str(asset), "--document", "119955", "--no-progress",
                 "-v", "2", stdout=out, stderr=err)  # fmt: skip
    assert "transcript.json, item 1: removed control characters" in out.getvalue()
    assert doc.transcripts.get().label == "Transcript"
    assert not has_illegal(stored_text())


def test_control_characters_in_a_jsonl_restore_are_stripped_and_reported(db, tmp_path):
    doc = DocumentFactory(title="Clean title")
    doc.subjects.add(SubjectFactory(name="Diplomacy"))
    path = tmp_path / "backup.jsonl"
    call_command("export", "jsonl", str(path), stdout=io.StringIO())
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for i, data in enumerate(lines):
        if data["type"] == "document":
            data["title"] = "Dirty\u0000 title\u000b"
            data["summary"] = "Sum\ud800mary"
            doc_line = i + 1
        elif data["type"] == "subject":
            data["name"] = "Diplo\u0000macy"
    write_export(path, lines)  # a whole export, checksum and all: only the characters are bad
    models.Document.objects.all().delete()
    models.Subject.objects.all().delete()
    ok, output = run_import("jsonl", path)
    assert ok, output
    assert f"backup.jsonl:{doc_line}: removed control characters XML cannot carry" in output
    restored = models.Document.objects.get()
    assert (restored.title, restored.summary) == ("Dirty title", "Summary")
    assert restored.subjects.get().name == "Diplomacy"


def test_a_control_character_in_tei_is_refused_by_line_leaving_the_archive_as_it_was(db, tmp_path):
    source = FRUS / "frus1861.xml"
    if not source.is_file():
        pytest.skip(f"FRUS volumes not found at {FRUS}")
    text = source.read_text(encoding="utf-8")
    start = text.index('type="document"')
    head = text.index("<head", start)
    line = text.count("\n", 0, head) + 1
    broken = tmp_path / "frus1861.xml"
    broken.write_text(text[: head + 6] + "\x0b" + text[head + 6 :], encoding="utf-8")
    ok, output = run_import("tei", broken)
    assert not ok
    assert f"frus1861.xml:{line}" in output and "malformed XML" in output
    assert models.Document.objects.count() == 0


# -- the output defence: stored bad characters, then a harvest and the feeds -------------

PUBLISHED = 45


@pytest.fixture
def poisoned(transactional_db, settings):
    """An archive with control characters forced in by raw SQL, past every input check."""
    settings.OAI_PAGE_SIZE = 10
    from tests.oai.conftest import build_archive

    archive = build_archive(published=PUBLISHED, drafts=3)
    with connection.cursor() as cursor:
        tables = {
            models.Document: ("title", "summary", "source"),
            models.Subject: ("name",),
            models.Agent: ("name",),
            models.Collection: ("title", "short_description"),
        }
        for model, columns in tables.items():
            sets = ", ".join(f"{c} = {c} || %s" for c in columns)
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET {sets}",  # noqa: S608 — our own names
                ["\x0b\x01\x1f"] * len(columns),
            )
    assert has_illegal(models.Document.objects.get(public_id=archive.published[0]).title)
    index_documents(list(models.Document.objects.values_list("pk", flat=True)))
    return archive


def test_a_full_harvest_and_the_feeds_survive_bad_stored_characters(live_server, poisoned):
    sickle = Sickle(f"{live_server.url}/oai", max_retries=0, timeout=60)
    for prefix in ("oai_dc", "mods"):
        records = list(sickle.ListRecords(metadataPrefix=prefix))  # 5 pages of 10
        assert len(records) == PUBLISHED
        assert all(not has_illegal(r.raw) for r in records)
    dc = next(iter(sickle.ListRecords(metadataPrefix="oai_dc"))).metadata
    assert dc["title"][0].startswith("Telegram number")
    sets = list(sickle.ListSets())
    assert sets and all(not has_illegal(s.raw) for s in sets)

    import requests

    for path in ("/feed/", "/search/feed/?q=telegram", "/search/feed/"):
        response = requests.get(live_server.url + path, timeout=60)
        assert response.status_code == 200, path
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.entries and feed.entries[0].title.startswith("Telegram number")


def test_the_data_migration_cleans_rows_stored_before(db):
    from django.apps import apps as live_apps

    DocumentFactory(title="placeholder")
    with connection.cursor() as cursor:
        table = models.Document._meta.db_table
        cursor.execute(f"UPDATE {table} SET title = %s", ["Bad\x0btitle"])  # noqa: S608
    migration = __import__(
        "chancery.corpus.migrations.0004_strip_xml_illegal_characters", fromlist=["strip_rows"]
    )
    migration.strip_rows(live_apps, None)
    assert models.Document.objects.get().title == "Badtitle"


# -- bad characters in parameters: 400 or badArgument, never 500 --------------------------

OAI_CASES = [
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier={}", "badArgument"),
    ("verb=ListRecords&metadataPrefix={}", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set={}", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from={}", "badArgument"),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&until={}", "badArgument"),
    ("verb=ListRecords&resumptionToken={}", "badArgument"),
    ("verb=ListMetadataFormats&identifier={}", "badArgument"),
    ("verb={}", "badVerb"),
    ("verb=Identify&{}=1", "badArgument"),
]
HTTP_CASES = [
    "/search/?q={}",
    "/search/feed/?q={}",
    "/search/?subject={}",
    "/search/?start_date={}",
    "/api/v1/search?q={}",
    "/api/v1/documents?subject={}",
    "/api/v1/people?page={}",
    "/srv/record.json?q={}",
    "/srv/subject.json?term={}",
    "/srv/collection.json?term={}",
]


def _value(char: str) -> str:
    return quote(f"ab{char}cd", safe="")


@pytest.fixture
def small_archive(db):
    for i in range(3):
        doc = DocumentFactory(public_id=f"small/{i}", status=models.Document.PUBLISHED)
        doc.subjects.add(SubjectFactory(slug=f"s{i}"))
    index_documents(list(models.Document.objects.values_list("pk", flat=True)))


@pytest.mark.parametrize("char", BAD, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(("query", "code"), OAI_CASES, ids=lambda v: v.split("&")[0][:30])
def test_oai_arguments_with_control_characters_are_bad_arguments(
    client, small_archive, query, code, char
):
    response = client.get("/oai?" + query.format(_value(char)))
    assert response.status_code == 200  # protocol errors are answered in XML
    root = etree.fromstring(response.content)
    assert [e.get("code") for e in root.findall("oai:error", OAI_NS)] == [code]
    assert dict(root.find("oai:request", OAI_NS).attrib) == {}


@pytest.mark.parametrize("char", BAD, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("url", HTTP_CASES)
def test_parameters_with_control_characters_answer_400_naming_the_parameter(
    client, small_archive, url, char
):
    response = client.get(url.format(_value(char)))
    assert response.status_code == 400, response.content[:300]
    name = url.split("?")[1].split("=")[0]
    body = response.content.decode()
    assert name in body


@pytest.mark.parametrize("url", [*HTTP_CASES, *("/oai?" + q for q, _ in OAI_CASES)])
def test_an_undecodable_lone_surrogate_is_never_a_server_error(client, small_archive, url):
    # Django decodes %ED%A0%80 (UTF-8 of a lone surrogate) to U+FFFD, a legal character:
    # the request is then an ordinary one (a search for it, an unknown identifier…).
    response = client.get(url.format("ab%ED%A0%80cd"))
    assert response.status_code < 500
    if url.startswith("/oai") or "feed" in url:
        etree.fromstring(response.content)  # well-formed XML


@pytest.mark.parametrize("char", ["%00", "%0B", "%EF%BF%BE"])
@pytest.mark.parametrize(
    "url",
    ["/document/a{}b/", "/iiif/a{}b/manifest.json", "/document/a{}b/cite.bib",
     "/api/v1/documents/a{}b", "/srv/record/a{}b.json", "/subject/a{}b/"],
)  # fmt: skip
def test_a_control_character_in_the_path_is_a_404_not_a_database_error(
    client, small_archive, url, char
):
    response = client.get(url.format(char))
    assert response.status_code == 404
    if url.startswith(("/api/", "/srv/")):
        assert response.json()["error"]["status"] == 404  # the APIs' one error shape


# -- CSV export: no formulas ---------------------------------------------------------------

FORMULAS = {
    "title": '=HYPERLINK("http://evil.example","Click")',
    "summary": "+1+cmd|' /C calc'!A0",
    "source": "-2+3",
    "date": "1958",
}


def test_csv_export_neutralises_formula_cells_and_imports_back_unchanged(db, tmp_path):
    doc = DocumentFactory(public_id="f/1", **FORMULAS)
    doc.subjects.add(SubjectFactory(name="@SUM(A1:A9)"))
    doc.people.add(models.Agent.objects.create(name="\tTabbed, Name"))
    DocumentFactory(public_id="f/2", title="'=already quoted", summary="-")
    out = tmp_path / "export.csv"
    call_command("export", "csv", str(out), stdout=io.StringIO())
    with out.open(encoding="utf-8", newline="") as f:
        rows = {row["public_id"]: row for row in csv.DictReader(f)}
    row = rows["f/1"]
    assert row["title"] == "'" + FORMULAS["title"]
    assert row["summary"] == "'" + FORMULAS["summary"]
    assert row["source"] == "'-2+3"
    assert row["subjects"] == "'@SUM(A1:A9)"
    assert row["people"] == "'\tTabbed, Name"
    assert row["date"] == "1958"
    risky = ("=", "+", "-", "@", "\t", "\r")
    every_cell = [v for r in rows.values() for v in r.values()]
    assert not any(v.startswith(risky) for v in every_cell)
    assert rows["f/2"]["title"] == "''=already quoted"

    before = {d.public_id: (d.title, d.summary, d.source) for d in models.Document.objects.all()}
    models.Document.objects.all().delete()
    models.Subject.objects.all().delete()
    ok, output = run_import("csv", out)
    assert ok, output
    after = {d.public_id: (d.title, d.summary, d.source) for d in models.Document.objects.all()}
    assert after == before
    assert models.Subject.objects.get().name == "@SUM(A1:A9)"


def test_the_import_keeps_a_leading_quote_that_guards_nothing(db, tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text("public_id,title\nq/1,'Tis the season\nq/2,'-5 degrees\n", encoding="utf-8")
    ok, output = run_import("csv", path)
    assert ok, output
    titles = dict(models.Document.objects.values_list("public_id", "title"))
    assert titles == {"q/1": "'Tis the season", "q/2": "-5 degrees"}
