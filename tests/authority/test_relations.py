"""Relations between people and organisations (ISAAR(CPF) 5.3, EAC-CPF cpfRelation):
edited in the admin, shown both ways on the pages, in the API and EAC-CPF, kept by a
JSONL backup, and moved by a merge."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from chancery.corpus import authority, models
from chancery.corpus.schemas import missing, schema_file
from chancery.ingest import jsonl
from tests.factories import AgentFactory, DocumentFactory

pytestmark = pytest.mark.django_db
EAC = "{urn:isbn:1-931666-33-4}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture
def hay_and_state():
    hay = AgentFactory(name="Hay, John", slug="hay-john")
    state = AgentFactory(name="Department of State", slug="department-of-state",
                         kind="organisation")  # fmt: skip
    adee = AgentFactory(name="Adee, Alvey A.", slug="adee-alvey-a")
    for agent in (hay, state, adee):
        DocumentFactory(title=f"About {agent.name}").people.add(agent)
    models.AgentRelation.objects.create(
        agent=hay, other=state, relation_type="hierarchical-parent", dates="1898–1905",
        description="Secretary of State", source="FRUS 1901, list of persons",
    )  # fmt: skip
    models.AgentRelation.objects.create(agent=adee, other=hay, relation_type="associative")
    return hay, state, adee


def test_the_pages_show_a_relation_from_both_sides_with_links(client, hay_and_state):
    hay, state, adee = hay_and_state
    page = client.get(hay.get_absolute_url()).content.decode()
    assert f'Subordinate to <a href="{state.get_absolute_url()}">Department of State</a>' in page
    assert "1898–1905 – Secretary of State" in page
    assert f'Associated with <a href="{adee.get_absolute_url()}">Adee, Alvey A.</a>' in page
    other_side = client.get(state.get_absolute_url()).content.decode()
    assert f'Superior of <a href="{hay.get_absolute_url()}">Hay, John</a>' in other_side


def test_a_draft_only_record_is_not_named_to_the_public(client, hay_and_state):
    hay, _state, _adee = hay_and_state
    secret = AgentFactory(name="Secret Agent", slug="secret-agent")
    DocumentFactory(title="Draft", status="draft").people.add(secret)
    models.AgentRelation.objects.create(agent=hay, other=secret, relation_type="associative")
    assert "Secret Agent" not in client.get(hay.get_absolute_url()).content.decode()
    assert b"Secret Agent" not in client.get("/person/hay-john/eac-cpf.xml").content


def test_the_api_record_carries_the_relations_both_ways(client, hay_and_state):
    hay, state, _adee = hay_and_state
    data = client.get(f"/api/v1/people/{state.slug}").json()
    assert data["relations"] == [{
        "relation_type": "hierarchical-child", "relation": "Superior of",
        "other": {"slug": "hay-john", "name": "Hay, John",
                  "api_url": "http://testserver/api/v1/people/hay-john"},
        "dates": "1898–1905", "description": "Secretary of State",
        "source": "FRUS 1901, list of persons",
    }]  # fmt: skip
    kinds = [r["relation_type"] for r in client.get("/api/v1/people/hay-john").json()["relations"]]
    assert kinds == ["hierarchical-parent", "associative"]


def test_eac_cpf_has_cpf_relations_and_validates(client, hay_and_state, tmp_path):
    root = etree.fromstring(client.get("/person/department-of-state/eac-cpf.xml").content)
    relation = root.find(f".//{EAC}cpfRelation")
    assert relation.get("cpfRelationType") == "hierarchical-child"
    assert relation.get(XLINK + "href").endswith("/person/hay-john/")
    assert relation.findtext(EAC + "relationEntry") == "Hay, John"
    assert relation.findtext(EAC + "date") == "1898–1905"
    # cpfRelation comes before the documents' resourceRelation, as the schema requires
    kinds = [etree.QName(e).localname for e in root.find(f".//{EAC}relations")]
    assert kinds == ["cpfRelation", "resourceRelation"]
    path = schema_file("eac-cpf/cpf.rng")
    if path is None:
        pytest.skip(missing("eac-cpf/cpf.rng"))
    validator = etree.RelaxNG(etree.parse(str(path)))
    out = tmp_path / "hay.xml"
    call_command("export", "eac", "hay-john", str(out), stdout=io.StringIO())
    assert validator.validate(etree.parse(str(out))), validator.error_log
    assert validator.validate(root), validator.error_log


def test_merge_moves_relations_and_drops_one_to_the_survivor_itself(hay_and_state):
    hay, state, adee = hay_and_state
    john = AgentFactory(name="John Hay", slug="john-hay")
    models.AgentRelation.objects.create(agent=john, other=hay, relation_type="identity")
    models.AgentRelation.objects.create(agent=john, other=state,
                                        relation_type="hierarchical-parent")  # fmt: skip
    models.AgentRelation.objects.create(agent=john, other=adee, relation_type="family")
    authority.merge(hay, [john])
    rows = sorted(
        (r.agent.slug, r.relation_type, r.other.slug) for r in models.AgentRelation.objects.all()
    )
    assert rows == [
        ("adee-alvey-a", "associative", "hay-john"),
        ("hay-john", "family", "adee-alvey-a"),
        ("hay-john", "hierarchical-parent", "department-of-state"),
    ]


def test_split_moves_the_chosen_relations(admin_client, hay_and_state):
    hay, state, adee = hay_and_state
    relation = models.AgentRelation.objects.get(agent=adee)
    doc = models.Document.objects.get(title="About Hay, John")
    url = reverse("admin:corpus_agent_split", args=[hay.pk])
    assert "Associated with Adee, Alvey A." in admin_client.get(url).content.decode()
    admin_client.post(url, {"name": "Hay, John (junior)", "documents": [doc.pk],
                            "relations": [relation.pk]})  # fmt: skip
    relation.refresh_from_db()
    assert relation.other.name == "Hay, John (junior)"
    assert models.AgentRelation.objects.get(other=state).agent == hay


def test_the_admin_edits_relations_inline(admin_client, hay_and_state):
    hay, state, _adee = hay_and_state
    page = admin_client.get(reverse("admin:corpus_agent_change", args=[hay.pk])).content.decode()
    assert "Relations to other people and organisations" in page
    assert "Relations from other records" in page
    assert "hierarchical-parent" in page


def test_a_relation_to_itself_is_refused(hay_and_state):
    from django.core.exceptions import ValidationError

    hay, _state, _adee = hay_and_state
    with pytest.raises(ValidationError, match="itself"):
        models.AgentRelation(agent=hay, other=hay).full_clean()


def test_jsonl_backup_restores_relations(hay_and_state, tmp_path, django_db_blocker):
    out = tmp_path / "archive.jsonl"
    jsonl.export_jsonl(out)
    lines = [line for line in out.read_text().splitlines() if '"type": "relation"' in line]
    assert len(lines) == 2
    models.AgentRelation.objects.all().delete()
    call_command("import", "jsonl", str(out), stdout=io.StringIO())
    rows = sorted(
        (r.agent.slug, r.relation_type, r.other.slug, r.dates)
        for r in models.AgentRelation.objects.all()
    )
    assert rows == [
        ("adee-alvey-a", "associative", "hay-john", ""),
        ("hay-john", "hierarchical-parent", "department-of-state", "1898–1905"),
    ]


def test_offices_naming_a_body_become_relations_to_it():
    from chancery.corpus.relations import bodies_named, from_offices

    commission = AgentFactory(name="Commission to Negotiate Peace", kind="organisation")
    baker = AgentFactory(name="Baker, Ray Stannard")
    baker.offices.create(title="Director of the Press Bureau of the Commission to Negotiate "
                         "Peace", dates="1919", source="FRUS 1919, list of persons")  # fmt: skip
    baker.offices.create(title="Chairman of the War Trade Board", dates="1919")
    baker.offices.create(title="Secretary of Legation in Liberia", dates="1919")
    assert from_offices([baker.pk]) == 2
    assert from_offices([baker.pk]) == 0  # once
    rows = [(r.other.name, r.relation_type, r.dates, r.description[:8])
            for r in models.AgentRelation.objects.filter(agent=baker).order_by("pk")]  # fmt: skip
    assert rows == [
        ("Commission to Negotiate Peace", "hierarchical-parent", "1919", "Director"),
        ("War Trade Board", "hierarchical-parent", "1919", "Chairman"),
    ]
    assert models.AgentRelation.objects.get(other=commission).agent == baker  # found, not made
    assert models.Agent.objects.get(name="War Trade Board").kind == "organisation"
    for office in ("Secretary of War", "Secretary of Embassy in France", "President of the "
                   "Council and Minister of War", "aide to Colonel House"):  # fmt: skip
        assert bodies_named(office) == [], office


def test_the_page_reads_every_relation_in_one_query(client, hay_and_state):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hay, _state, _adee = hay_and_state

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(hay.get_absolute_url()).status_code == 200
        return len(captured)

    before = queries()
    for n in range(6):
        other = AgentFactory(name=f"Clerk {n}", slug=f"clerk-{n}")
        models.AgentRelation.objects.create(agent=other, other=hay, relation_type="associative")
    assert queries() == before
    assert client.get(hay.get_absolute_url()).content.decode().count("Associated with") == 7
