"""The search contract: one table of searches, every engine, the same answers.

Each engine indexes the same archive (the demo, a document with no date, one with a
translation, a transcript and machine-read text on a scan, a draft) and answers every
search of :data:`TABLE`: its count must be the table's, and its count, facets, year
histogram, undated count and pages must be Tantivy's (the engine that runs beside any
database, so every engine is held to the same answers). An engine whose index lives in
another database than the run's is a named skip (``SearchBackend.database``). Relevance
order is the engine's own (BM25 or ``ts_rank_cd``): for it the pages hold the same
documents, each once; every other order is the same, page by page.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.db import connection

from chancery.corpus.demo import load_demo
from chancery.corpus.hierarchy import with_totals
from chancery.corpus.models import Agent, Collection, Document, Transcript
from chancery.ocr.models import MachineText
from chancery.search.backends import _backend_class, get_backend
from chancery.search.backends import tantivy as tantivy_engine
from chancery.search.facets import FACETS
from chancery.search.indexing import reindex
from chancery.search.query import SearchQuery
from tests.factories import DocumentFactory
from tests.iiif.scans import add_scan, image_bytes, page_image

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    name: str
    count: int
    text: str = ""
    query: dict = field(default_factory=dict)


TABLE = [
    Case("a word", 10, "Soviet"),
    Case("every word", 7, "Soviet China"),
    Case("a phrase", 3, '"Soviet Union"'),
    Case("either word", 2, "Cuba OR Taiwan"),
    Case("an exclusion", 3, "Soviet -China"),
    Case("a prefix", 10, "sov*"),
    Case("most of the words", 1, "Gorbachev Deng summit"),
    Case("relaxed to any word", 2, "Gorbachev zzyzx qwxv"),
    Case("a name variant", 2, "Peking"),
    Case("a spelling by rule", 1, "Zeng Jize"),
    Case("a spelling by rule, run together", 1, "Tsengchitse"),
    Case("a rare word and its close spelling", 2, "Pethik"),
    Case("a close spelling of a word no document has", 1, "Pethack"),
    Case("a person", 1, "person:Khrushchev"),
    Case("not a person", 8, "Soviet -person:Gorbachev"),
    Case("a person nobody is", 0, "person:Nobodyknown"),
    Case("a place", 2, "place:Beijing"),
    Case("a collection field", 1, "collection:cuban-missile-crisis"),
    Case("a type field", 1, "type:letter"),
    Case("a language field", 1, "lang:ger"),
    Case("in the title", 2, "title:Gorbachev"),
    Case("every subject", 2, "", {"filters": {"subject": ("sino-soviet-relations",
                                                         "soviet-american-relations")}}),
    Case("any type", 3, "", {"filters": {"type": ("letter", "memorandum-of-conversation")}}),
    Case("a creator", 1, "", {"filters": {"creator": ("mikhail-gorbachev",)}}),
    Case("an unknown value", 0, "", {"filters": {"collection": ("no-such-collection",)}}),
    Case("a decade and the undated", 3, "", {"filters": {"decade": ("1950", "undated")}}),
    Case("dates overlapping", 4, "", {"start": dt.date(1950, 1, 1), "end": dt.date(1962, 12, 31)}),
    Case("dates within", 4, "1950..1962", {"date_mode": "within"}),
    Case("dated words", 4, "Soviet 1946..1958"),
    Case("a collection and those below it", 7, "", {"collection_scope": "sino-soviet-relations"}),
    Case("a collection facet and those below it", 7, "",
         {"filters": {"collection": ("sino-soviet-relations",)}}),
    Case("a collection field by title and those below it", 7,
         'collection:"Sino-Soviet Relations"'),
    Case("a collection field by the words of its title", 7, 'collection:"Sino Relations"'),
    Case("the summary layer", 6, "Soviet", {"layer": "summary"}),
    Case("the translation layer", 1, "Khrushchev", {"layer": "translation"}),
    Case("the transcript layer", 1, "wheat", {"layer": "transcript"}),
    Case("not in that layer", 0, "wheat", {"layer": "translation"}),
    Case("the machine-read text", 1, "samovar"),
    Case("the machine-read layer", 1, "samovar", {"layer": "machine"}),
    Case("not in a human layer", 0, "samovar", {"layer": "transcript"}),
    Case("a human word and a machine-read word", 1, "wheat samovar"),
    Case("no human word in the machine-read layer", 0, "wheat", {"layer": "machine"}),
    Case("by date", 14, "", {"sort": "date"}),
    Case("newest first", 14, "", {"sort": "-date"}),
    Case("by title", 14, "", {"sort": "title"}),
    Case("words by date", 10, "Soviet", {"sort": "date"}),
    Case("words newest first", 7, "Soviet China", {"sort": "-date"}),
    Case("words by title", 10, "Soviet", {"sort": "title"}),
]  # fmt: skip

ENGINES = ["fts5", "postgres", "tantivy"]


@pytest.fixture
def archive():
    load_demo(texts=False)  # the table's counts are the ten catalogue records
    DocumentFactory(public_id="undated", title="Undated note on the Soviet grain trade",
                    summary="", date="")  # fmt: skip
    translated = DocumentFactory(
        public_id="translated",
        title="Report on the harvest",
        summary="",
        date="1961-03",
        text="<p>Khrushchev spoke of the grain harvest.</p>",
    )
    Transcript.objects.create(document=translated, html="<p>The wheat of Kuban.</p>")
    scan = add_scan(translated, "page.png", image_bytes(page_image(400, 300, "x"), "PNG"))
    MachineText.objects.create(scan=scan, page=1, text="A brass samovar, Kuban 1961")
    translated.save()  # indexed with its transcript
    DocumentFactory(public_id="draft", title="Draft on the Soviet Union", status=Document.DRAFT)
    DocumentFactory(public_id="romanised", title="Call of the Marquis", summary="",
                    date="1880-05-02", text="<p>Tseng Chi-tse called.</p>")  # fmt: skip
    # A rare name as one document misspells it in its text, and as another's title has it.
    DocumentFactory(public_id="pethik", title="Dispatch on the Chefoo riots", summary="",
                    date="1901-03-02", text="<p>Mr. Pethik reported the riots.</p>")  # fmt: skip
    DocumentFactory(public_id="pethick", title="Report of Mr. Pethick", summary="",
                    date="1901-04-02", text="<p>The riots at Chefoo.</p>")  # fmt: skip


def use(settings, tmp_path, name: str):
    """Make ``name`` the run's engine, its index rebuilt from the archive."""
    engine = _backend_class(django_settings.SEARCH_BACKENDS[name])
    if engine.database not in (None, connection.vendor):
        pytest.skip(f"the {name} engine's index lives in {engine.database}")
    settings.SEARCH_BACKEND = settings.SEARCH_BACKENDS[name]
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    tantivy_engine.forget_index()
    reindex()
    get_backend().labels_changed()  # the archive was written while another engine ran


def answers(case: Case) -> dict:
    """What a search of the table answers, in every part the contract holds."""
    results = get_backend().search(SearchQuery(text=case.text, **case.query))
    count = results.count()
    pages = [hit.document.public_id for start in range(0, count + 2, 2)
             for hit in results[start : start + 2]]  # fmt: skip
    ranked = results.query.sort == "relevance" and bool(results.parsed.groups)
    # By title, the order of engines whose title order is the database's collation
    # differs (test_the_title_order_ignores_case_and_accents); the documents do not.
    collated = results.query.sort == "title" and not results.backend.supports_folded_title_order
    return {
        "count": count,
        "pages": sorted(pages) if ranked or collated else pages,
        "each once": len(pages) == len(set(pages)) == count,
        "facets": {
            name: [(v.value, v.label, v.count) for v in values]
            for name, values in results.facets().items()
        },  # fmt: skip
        "years": results.year_counts(),
        "undated": results.undated_count(),
        "relaxed": results.relaxed,
    }


def engine_answers(settings, tmp_path, name: str, *, collated: bool = False) -> list[dict]:
    use(settings, tmp_path, name)
    found = [answers(case) for case in TABLE]
    if collated:  # compared with an engine that orders titles by the collation
        for case, answer in zip(TABLE, found, strict=True):
            if case.query.get("sort") == "title":
                answer["pages"] = sorted(answer["pages"])
    return found


@pytest.mark.parametrize("name", ENGINES)
def test_every_engine_answers_the_table_alike(archive, settings, tmp_path, name):
    mine = engine_answers(settings, tmp_path, name)
    assert [a["count"] for a in mine] == [case.count for case in TABLE]
    assert all(a["each once"] for a in mine)
    collated = not get_backend().supports_folded_title_order
    reference = (
        mine
        if name == "tantivy"
        else engine_answers(settings, tmp_path, "tantivy", collated=collated)
    )
    for case, answer, expected in zip(TABLE, mine, reference, strict=True):
        for part, value in answer.items():
            assert value == expected[part], (case.name, part)


def _expected_head(name: str, values: list, limit: int, chosen: tuple[str, ...]) -> list:
    if FACETS[name].every_value:
        return values
    return values[:limit] + [v for v in values[limit:] if v.value in chosen]


@pytest.mark.parametrize("name", ENGINES)
def test_facet_heads_are_the_first_values_and_those_selected(archive, settings, tmp_path, name):
    """What a page lists of each facet: the first values in the facet's order (ties by
    label), any selected further down, every decade, and whether there are more — whether
    the engine was told first that only the heads would be asked for (``begin_summary``:
    Tantivy then counts each facet's first values only) or not."""
    use(settings, tmp_path, name)
    further = wider = 0
    cases = [(case, limit, told) for case in TABLE for limit in (1, 2) for told in (0, 1)]
    for case, limit, told in cases:
        query = SearchQuery(text=case.text, **case.query)
        get_backend().labels_changed()  # an engine keeping labels reads the heads' alone
        results = get_backend().search(query)
        if told:
            results.begin_summary(limit)
        heads = results.facet_heads(limit)
        every = get_backend().search(query).facets()
        assert list(heads) == list(every), case.name
        for facet, values in every.items():
            chosen = case.query.get("filters", {}).get(facet, ())
            expected = _expected_head(facet, values, limit, chosen)
            assert heads[facet].values == expected, (case.name, facet, limit, told)
            assert heads[facet].more == (len(values) > limit), (case.name, facet, limit)
            further += len(expected) > limit and not FACETS[facet].every_value
            wider += len(values) > limit
    assert further and wider  # a selected value below the first, facets cut short


@pytest.mark.parametrize("name", ENGINES)
def test_a_relaxed_search_says_so_and_counts_its_facets(archive, settings, tmp_path, name):
    use(settings, tmp_path, name)
    results = get_backend().search(SearchQuery(text="Gorbachev zzyzx qwxv"))
    assert results.count() == 2 and results.relaxed
    assert results.notes and "any of them" in results.notes[0]
    decades = {v.value: v.count for v in results.facets(("decade",))["decade"]}
    assert decades == {"1980": 2}


@pytest.mark.parametrize("name", ENGINES)
def test_every_facet_of_the_registry_is_counted_with_the_same_values(
    archive, settings, tmp_path, name
):
    use(settings, tmp_path, name)
    results = get_backend().search(SearchQuery(text="Gorbachev"))
    facets = results.facets()
    assert list(facets) == list(FACETS)
    assert sum(v.count for v in facets["decade"]) == results.count() == 2
    # The creator facet: Gorbachev created his address, not the meeting's record.
    assert [(v.value, v.label, v.count) for v in facets["creator"]] == [
        ("mikhail-gorbachev", "Mikhail Gorbachev", 1)
    ]
    selected = get_backend().search(
        SearchQuery(text="Soviet OR Gorbachev", filters={"creator": ("mikhail-gorbachev",)})
    )
    assert [hit.document.public_id for hit in selected[0:5]] == ["8"]


@pytest.mark.parametrize("name", ENGINES)
def test_the_title_order_ignores_case_and_accents(archive, settings, tmp_path, name):
    use(settings, tmp_path, name)
    if not get_backend().supports_folded_title_order:
        pytest.skip(f"the {name} engine orders titles by the database's collation")
    results = get_backend().search(SearchQuery(text="Soviet OR Cuba", sort="title"))
    titles = [hit.document.title for hit in results[0 : results.count()]]
    assert titles.index(next(t for t in titles if t.startswith("Ciphered"))) < titles.index(
        next(t for t in titles if t.startswith("CPSU"))
    )


@pytest.mark.parametrize("name", ENGINES)
def test_a_renamed_creator_shows_its_new_name_in_the_facet(archive, settings, tmp_path, name):
    use(settings, tmp_path, name)

    def creators() -> list[str]:
        results = get_backend().search(SearchQuery(text="Gorbachev"))
        return [v.label for v in results.facets(("creator",))["creator"]]

    assert creators() == ["Mikhail Gorbachev"]  # and an engine that caches labels has it
    gorbachev = Agent.objects.get(slug="mikhail-gorbachev")
    gorbachev.name = "Mikhail S. Gorbachev"
    gorbachev.save()
    assert creators() == ["Mikhail S. Gorbachev"]


@pytest.mark.parametrize("name", ENGINES)
def test_a_collection_counts_and_finds_its_whole_subtree(
    archive, settings, tmp_path, name, django_capture_on_commit_callbacks
):
    """Every collection's facet count is its page's (the documents of its subtree, each
    once), and its facet, scope and ``collection:`` find those documents; a moved
    collection's documents count in their new place."""
    parts = ("sino-soviet-alliance", "sino-soviet-rivalry")
    alliance, rivalry = (Collection.objects.get(slug=slug) for slug in parts)
    DocumentFactory(public_id="both", title="Across two chapters", date="1958",
                    collections=[alliance, rivalry])  # fmt: skip
    use(settings, tmp_path, name)

    def facet() -> dict[str, int]:
        results = get_backend().search(SearchQuery())
        return {v.value: v.count for v in results.facets(("collection",))["collection"]}

    def pages() -> dict[str, int]:
        totals = with_totals(Collection.objects.all()).values_list("slug", "total")
        return {slug: total for slug, total in totals if total}

    counts = facet()
    assert counts == pages()
    assert counts["sino-soviet-relations"] == 8  # 3 + 4 in its two parts, "both" once
    for slug, n in counts.items():
        found = [
            get_backend().search(SearchQuery(filters={"collection": (slug,)})).count(),
            get_backend().search(SearchQuery(collection_scope=slug)).count(),
            get_backend().search(SearchQuery(text=f"collection:{slug}")).count(),
        ]
        assert found == [n, n, n], slug
    crisis = Collection.objects.get(slug="cuban-missile-crisis")
    crisis.parent = Collection.objects.get(slug="sino-soviet-relations")
    with django_capture_on_commit_callbacks(execute=True):  # an index written after commit
        crisis.save()
    counts = facet()
    assert counts == pages() and counts["sino-soviet-relations"] == 9


@pytest.mark.parametrize("name", ENGINES)
def test_a_close_spelling_ranks_below_the_typed_word_and_is_explained(
    archive, settings, tmp_path, name
):
    """A rare typed word is also searched in the archive's words one edit away: the
    document with the typed spelling first, even when the close spelling is in the
    other's title; the search says what it also searched and why the second ranks there."""
    use(settings, tmp_path, name)
    results = get_backend().search(SearchQuery(text="Pethik", explain=True))
    hits = results[0:5]
    assert [hit.document.public_id for hit in hits] == ["pethik", "pethick"]
    assert results.parsed.similar == [("Pethik", [("pethick", 1)])]
    assert hits[1].explain["found_by"] == "a similar spelling only"
    assert "found_by" not in hits[0].explain


@pytest.mark.parametrize("name", ENGINES)
def test_a_word_that_matches_well_is_never_widened(archive, settings, tmp_path, name):
    use(settings, tmp_path, name)
    for text in ("Soviet", "Soviet Pethik", '"Pethik"', "Pethi*", "title:Pethik"):
        results = get_backend().search(SearchQuery(text=text))
        results.count()
        parsed = results.parsed
        widened = [typed for typed, _ in parsed.similar]
        assert widened == (["Pethik"] if text == "Soviet Pethik" else []), text
