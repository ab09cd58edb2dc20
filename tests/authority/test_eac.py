"""EAC-CPF export of a person: from the page and from `chancery export eac`, valid against
the published EAC-CPF 2010 schema."""

import io

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from chancery.corpus import models
from chancery.corpus.schemas import missing, schema_file
from tests.factories import AgentFactory, DocumentFactory

pytestmark = pytest.mark.django_db
EAC = "{urn:isbn:1-931666-33-4}"
#: The schema is a published standard, not part of the project (chancery/corpus/schemas.py).
SCHEMA = "eac-cpf/cpf.rng"


@pytest.fixture
def hay():
    hay = AgentFactory(name="Hay, John", slug="hay-john", dates="1838–1905", wikidata="Q312625",
                       viaf="34463780", sources="FRUS 1901, list of persons")  # fmt: skip
    hay.variants.create(name="John Hay", scheme="natural order")
    hay.variants.create(name="海約翰", scheme="Chinese")
    hay.offices.create(title="Secretary of State", dates="1898–1905", source="FRUS 1901")
    DocumentFactory(title="Mr. Hay to Mr. Conger").creators.add(hay)
    DocumentFactory(title="Mr. Conger to Mr. Hay").people.add(hay)
    return hay


def schema():
    path = schema_file(SCHEMA)
    if path is None:
        pytest.skip(missing(SCHEMA))
    return etree.RelaxNG(etree.parse(str(path)))


def test_the_person_page_links_an_eac_cpf_record_with_names_offices_and_ids(client, hay):
    page = client.get(hay.get_absolute_url()).content.decode()
    assert "Secretary of State, 1898–1905" in page
    assert 'href="https://www.wikidata.org/wiki/Q312625"' in page
    assert "/person/hay-john/eac-cpf.xml" in page
    response = client.get("/person/hay-john/eac-cpf.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert root.tag == EAC + "eac-cpf"
    names = [(n.get("scriptCode"), n.findtext(EAC + "part")) for n in root.iter(EAC + "nameEntry")]
    assert names[0] == ("Latn", "Hay, John") and ("Hani", "海約翰") in names
    assert root.findtext(f".//{EAC}occupation/{EAC}term") == "Secretary of State"
    assert root.findtext(f".//{EAC}existDates/{EAC}date") == "1838–1905"
    ids = {e.get("localType"): e.text for e in root.iter(EAC + "entityId")}
    assert ids["VIAF"] == "https://viaf.org/viaf/34463780"
    kinds = sorted(r.get("resourceRelationType") for r in root.iter(EAC + "resourceRelation"))
    assert kinds == ["creatorOf", "subjectOf"]


def test_the_export_validates_against_the_eac_cpf_schema(client, hay, tmp_path):
    out = tmp_path / "hay.xml"
    call_command("export", "eac", "hay-john", str(out), stdout=io.StringIO())
    validator = schema()
    document = etree.parse(str(out))
    assert validator.validate(document), validator.error_log
    organisation = models.Agent.objects.create(name="Board of Trade", kind="organisation")
    root = etree.fromstring(client.get(f"/person/{organisation.slug}/eac-cpf.xml").content)
    assert root.findtext(f".//{EAC}entityType") == "corporateBody"
    assert validator.validate(root), validator.error_log


def test_export_of_nobody_says_so(tmp_path):
    with pytest.raises(CommandError, match="no person or organisation"):
        call_command("export", "eac", "nobody", str(tmp_path / "x.xml"))
    with pytest.raises(CommandError, match="PERSON OUT"):
        call_command("export", "eac", str(tmp_path / "x.xml"))
