"""One table per fact: a facet added to FACETS reaches every consumer, none keeps a copy.

A "creator" facet (Document.creators -> Agent) is registered for the test only; the search
form, the search page and its JSON twin, API v1's document filters, the Wilson record
search and OpenAPI must all offer it without being edited. The static checks below fail
when a module outside the registries spells out the facet set, a document's prefetch list
or a partial-date parser of its own.
"""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from chancery.api.openapi import openapi_document
from chancery.corpus import models
from chancery.corpus.authorities import AUTHORITY_KINDS
from chancery.corpus.dates import DateError, partial_date
from chancery.search.facets import FACETS, FacetSpec
from chancery.search.forms import SearchForm
from chancery.search.indexing import index_documents, indexing_paused
from chancery.search.query import parse_query
from tests.factories import AgentFactory, DocumentFactory

pytestmark = pytest.mark.engine

CHANCERY = Path(__file__).resolve().parent.parent / "chancery"

ENGINE_FILES = {  # the engines' own files: held to the registry by the engine contract's tests
    "search/backends",
    *(f"search/{n}.py" for n in ("query", "ranking", "snippets", "indexing", "entries",
                                 "budget", "variants", "expansion", "analysis")),
}  # fmt: skip

needs_fts5 = pytest.mark.skipif(
    settings.SEARCH_BACKENDS["fts5"] != settings.SEARCH_BACKEND,
    reason="a facet registered at test time is counted from the database by the FTS5 engine "
    "only; the others build their index fields when they index",
)


@pytest.fixture
def creator_facet(monkeypatch):
    spec = FacetSpec("creator", "Creator", "creators", models.Agent)
    monkeypatch.setitem(FACETS, "creator", spec)
    return spec


@pytest.fixture
def archive(db):
    with indexing_paused():
        kennan = AgentFactory(name="George Kennan", slug="george-kennan")
        other = AgentFactory(name="Dean Acheson", slug="dean-acheson")
        written = DocumentFactory(public_id="t/d1", title="The long telegram", date="1946-02-22")
        written.creators.add(kennan)
        mentioned = DocumentFactory(public_id="t/d2", title="A telegram on Kennan", date="1946")
        mentioned.people.add(kennan)
        mentioned.creators.add(other)
    index_documents(models.Document.objects.values_list("pk", flat=True))
    return kennan


def test_a_new_facet_is_a_search_form_field(creator_facet, archive):
    form = SearchForm({"creator": ["george-kennan"]})
    assert form.is_valid(), form.errors
    assert form.to_query().filters["creator"] == ("george-kennan",)
    unknown = SearchForm({"creator": ["nobody"]})
    assert not unknown.is_valid()
    assert "There is no creator “nobody”" in unknown.errors["creator"][0]


def test_a_new_facet_is_in_openapi_for_search_and_documents(creator_facet):
    paths = openapi_document()["paths"]
    search = {p["name"]: p for p in paths["/api/v1/search"]["get"]["parameters"]}
    assert search["creator"]["description"] == "Creator facet value (repeatable)."
    assert search["creator"]["explode"] is True
    documents = {p["name"] for p in paths["/api/v1/documents"]["get"]["parameters"]}
    assert "creator" in documents


def test_a_new_facet_filters_api_documents(client, creator_facet, archive):
    listed = client.get("/api/v1/documents?creator=george-kennan").json()
    assert [d["id"] for d in listed["results"]] == ["t/d1"]
    bad = client.get("/api/v1/documents?creator=nobody")
    assert bad.status_code == 400
    assert "creator" in bad.json()["error"]["message"]


@needs_fts5
def test_a_new_facet_is_on_the_search_page_and_its_json_twin(client, creator_facet, archive):
    page = client.get("/search/?q=telegram")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h3 id="facet-creator">Creator</h3>' in html
    assert "George Kennan" in html
    data = client.get("/api/v1/search?q=telegram&creator=george-kennan").json()
    assert [h["id"] for h in data["hits"]] == ["t/d1"]
    assert data["query"]["filters"] == {"creator": ["george-kennan"]}
    creators = {f["value"]: f for f in data["facets"]["creator"]}
    assert creators["george-kennan"]["selected"] is True


@needs_fts5
def test_a_new_facet_is_a_wilson_record_search_parameter(client, creator_facet, archive):
    found = client.get(f"/srv/record.json?creator[]={archive.pk}").json()
    assert [r["id"] for r in found["list"]] == ["t/d1"]
    # "contributor" is Wilson's person: creator, contributor or person named.
    both = client.get(f"/srv/record.json?contributor[]={archive.pk}").json()
    assert {r["id"] for r in both["list"]} == {"t/d1", "t/d2"}


def test_every_api_authority_kind_has_its_routes(client, archive):
    index = client.get("/api/v1/").json()["links"]
    for kind in AUTHORITY_KINDS.values():
        listed = client.get(f"/api/v1/{kind.plural}")
        assert (listed.status_code == 200) == kind.browsable, kind.name
        assert (kind.plural in index) == kind.browsable
        wilson = client.get(f"/srv/{kind.wilson}.json")
        assert wilson.status_code == 200, kind.wilson


# -- no copies ---------------------------------------------------------------------------


def _modules(*allowed: str):
    """Every module of chancery/ but migrations, the engines' files and ``allowed``."""
    for path in sorted(CHANCERY.rglob("*.py")):
        name = path.relative_to(CHANCERY).as_posix()
        if "/migrations/" in name or name in allowed:
            continue
        if any(name == e or name.startswith(e + "/") for e in ENGINE_FILES):
            continue
        yield name, ast.parse(path.read_text(encoding="utf-8"))


def _strings(node) -> set[str]:
    if isinstance(node, ast.Dict):
        items = node.keys
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        items = node.elts
    else:
        return set()
    return {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}


#: Where facets or relations may be named one by one, and why: (module, function or None).
BY_HAND = {
    ("corpus/admin.py", None): "the admin form places each field by hand",
    ("api/openapi.py", "_authority_schema"): "each kind's JSON shape has fields of its own",
}


def _skipped(name: str, tree, functions) -> set[int]:
    """The ids of the nodes inside the named functions of module ``name``."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if getattr(node, "name", None) in functions
        for inner in ast.walk(node)
    }


def test_no_module_lists_the_facets_or_authority_kinds_itself():
    """A list, tuple, set or dict of nothing but facet / authority-kind names, or nothing but
    the Document relations behind them, is a copy of a registry."""
    kinds = AUTHORITY_KINDS.values()
    names = set(FACETS) | set(AUTHORITY_KINDS) | {kind.wilson for kind in kinds}
    relations = {s.relation for s in FACETS.values()} | {
        r for kind in kinds for r in kind.relations
    }
    whole = {module for module, function in BY_HAND if function is None}
    copies = []
    for name, tree in _modules("search/facets.py", "corpus/authorities.py", "corpus/models.py",
                               *whole):  # fmt: skip
        skipped = _skipped(name, tree, {f for module, f in BY_HAND if module == name})
        for node in ast.walk(tree):
            strings = _strings(node)
            if id(node) in skipped or len(strings) < 3:
                continue
            if strings <= names or strings <= relations:
                copies.append(f"{name}:{node.lineno}: {sorted(strings)}")
    assert not copies, "derive these from FACETS / AUTHORITY_KINDS:\n" + "\n".join(copies)


def test_no_view_writes_its_own_prefetch_list_of_a_documents_descriptions():
    """The record page, API v1, the Wilson API, OAI, IIIF and citations read a document
    through DocumentQuerySet.with_record() / with_descriptions(), not lists of their own."""
    described = set(models.DESCRIPTIONS) | {"membership_set", "translations", "transcripts"}
    copies = []
    for name, tree in _modules("corpus/models.py"):
        # OAI's with_sets reads only collection ids, for the set specs of a list of identifiers.
        skipped = _skipped(name, tree, {"with_sets"} if name == "oai/records.py" else set())
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if not isinstance(node, ast.Call):
                continue
            func = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if func not in ("prefetch_related", "Prefetch"):
                continue
            named = {a.value for a in node.args if isinstance(a, ast.Constant)}
            if named & described:
                copies.append(f"{name}:{node.lineno}: {sorted(named & described)}")
    assert not copies, "use with_record() / with_descriptions():\n" + "\n".join(copies)


def test_no_module_parses_partial_dates_itself():
    """calendar.monthrange (the last day of a month) is the mark of a partial-date parser."""
    copies = [
        f"{name}:{node.lineno}"
        for name, tree in _modules("corpus/dates.py")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "monthrange"
    ]
    assert not copies, "use chancery.corpus.dates.partial_date:\n" + "\n".join(copies)


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("1958", dt.date(1958, 1, 1), dt.date(1958, 12, 31)),
        ("1960-02", dt.date(1960, 2, 1), dt.date(1960, 2, 29)),
        ("1958-3", dt.date(1958, 3, 1), dt.date(1958, 3, 31)),
        ("1958-03-12", dt.date(1958, 3, 12), dt.date(1958, 3, 12)),
    ],
)
def test_form_and_query_language_read_partial_dates_alike(db, typed, start, end):
    form = SearchForm({"start_date": typed, "end_date": typed})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["start_date"], form.cleaned_data["end_date"]) == (start, end)
    parsed = parse_query(f"{typed}..{typed}")
    assert (parsed.start, parsed.end) == (start, end)
    assert (partial_date(typed, end=False), partial_date(typed, end=True)) == (start, end)


@pytest.mark.parametrize("typed", ["1958-13", "1958-02-30", "58", "1958/03"])
def test_a_bad_partial_date_is_refused_everywhere(db, typed):
    with pytest.raises(DateError):
        partial_date(typed, end=False)
    form = SearchForm({"start_date": typed})
    assert not form.is_valid()
    assert typed in form.errors["start_date"][0]
