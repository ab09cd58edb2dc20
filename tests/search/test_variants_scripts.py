"""Name variants, every script, text layers, dates, histogram, snippets, help and explain."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from chancery.corpus.models import AgentVariant, Transcript
from chancery.search.backends import get_backend
from chancery.search.models import NameForm
from chancery.search.query import SearchQuery
from chancery.search.variants import TABLE, read_table
from tests.factories import AgentFactory, DocumentFactory, language

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def titles(text, **kwargs):
    return {h.document.title for h in get_backend().search(SearchQuery(text=text, **kwargs))[0:50]}


def test_shipped_table_is_large_and_well_formed():
    groups = read_table(TABLE)
    assert len(groups) >= 150
    kinds = {k for k, _, _ in groups}
    assert kinds <= {"person", "place", "other"}
    names = {f for _, forms, _ in groups for f in forms}
    for expected in (
        "Peking",
        "Li Hung-chang",
        "Хрущёв",
        "Petrograd",
        "Port Arthur",
        "Constantinople",
    ):
        assert expected in names


def test_pinyin_query_finds_wade_giles_document_and_page_says_so(client, db):
    DocumentFactory(
        title="Telegram from Li Hung-chang",
        summary="",
        text="<p>At Peking, with Chang Chih-tung.</p>",
    )
    DocumentFactory(title="Unrelated", summary="")
    response = client.get("/search/", {"q": "Li Hongzhang"})
    page = response.context["page"]
    assert page.total == 1
    html = response.content.decode()
    assert "Also searched for:" in html and "Li Hung-chang" in html
    assert "<mark>Li</mark> <mark>Hung</mark>-<mark>chang</mark>" in html
    assert "<mark>Chang</mark> Chih" not in html  # a phrase is marked only where whole
    beijing = client.get("/search/", {"q": "Beijing"})
    assert beijing.context["page"].total == 1
    assert re.search(r"Also searched for:.*Peking", beijing.content.decode(), re.S)


@pytest.mark.parametrize(
    "query,text",
    [
        ("Khrushchev", "<p>Comrade Khrushchov spoke.</p>"),
        ("Хрущёв", "<p>Mr. Khrushchev replied.</p>"),
        ("Leningrad", "<p>Arrived at Petrograd.</p>"),
        ("Port Arthur", "<p>The fleet at Lüshun.</p>"),
        ("Istanbul", "<p>The embassy at Constantinople.</p>"),
        ("Czar", "<p>The Tsar received him.</p>"),
    ],
)
def test_transliterations_and_former_names(db, query, text):
    DocumentFactory(title="A report", summary="", text=text)
    assert titles(query) == {"A report"}


def test_admin_edited_variants_expand_queries_at_once(db):
    agent = AgentFactory(name="Wu Tingfang", slug="wu")
    DocumentFactory(
        title="Note from the Chinese minister Wu", summary="", text="<p>Signed Wu T. F.</p>"
    )
    AgentVariant.objects.create(agent=agent, name="Chinese minister Wu")
    assert NameForm.objects.filter(group=f"a:{agent.pk}").count() == 2
    found = get_backend().search(SearchQuery(text="Wu Tingfang"))
    assert found.count() == 1


def test_reindex_and_load_variants_keep_the_table(db):
    NameForm.objects.all().delete()
    call_command("load_variants")
    assert NameForm.objects.filter(key="peking").exists()
    from chancery.search.indexing import reindex

    NameForm.objects.all().delete()
    reindex()
    assert NameForm.objects.filter(key="petrograd").exists()


def test_cyrillic_stemming_and_diacritics(db):
    rus = language("rus", "Russian")
    doc = DocumentFactory(title="Запись беседы", summary="", languages=[rus])
    Transcript.objects.create(
        document=doc, language=rus, html="<p>Беседа с Хрущёвым о договорах в Гданьске.</p>"
    )
    DocumentFactory(title="Gdańsk harbour", summary="")
    assert titles("договор") == {"Запись беседы"}
    assert titles("Хрущев") == {"Запись беседы"}
    assert titles("Gdansk") == {"Gdańsk harbour"}


def test_chinese_and_japanese_by_bigrams(client, db):
    chi = language("chi", "Chinese")
    doc = DocumentFactory(title="电报", summary="", languages=[chi])
    Transcript.objects.create(
        document=doc, language=chi, html="<p>李鸿章在北京与各国公使谈判。</p>"
    )
    jdoc = DocumentFactory(title="覚書", summary="")
    Transcript.objects.create(document=jdoc, html="<p>東京の外務省より電報が届いた。</p>")
    assert titles("北京") == {"电报"}
    assert titles("谈判") == {"电报"}
    assert titles("外務省") == {"覚書"}
    assert titles("北京 -谈判") == set()
    html = client.get("/search/", {"q": "北京"}).content.decode()
    assert "<mark>北京</mark>" in html


def test_search_limited_to_one_layer_says_which_layer_matched(client, db):
    doc = DocumentFactory(
        title="Conversation", summary="About fisheries", text="<p>The Tsar spoke of grain.</p>"
    )
    Transcript.objects.create(document=doc, html="<p>Царь говорил о зерне и мире.</p>")
    other = DocumentFactory(title="Other", summary="Grain prices", text="<p>Nothing.</p>")
    assert other
    assert titles("grain", layer="translation") == {"Conversation"}
    assert titles("grain", layer="summary") == {"Other"}
    assert titles("зерно", layer="transcript") == {"Conversation"}
    assert titles("зерно", layer="translation") == set()
    response = client.get("/search/", {"q": "зерно", "layer": "transcript"})
    html = response.content.decode()
    assert "Original transcript:" in html and "<mark>зерне</mark>" in html
    assert "Matched in: transcript" in html
    assert client.get("/search/", {"q": "x", "layer": "margins"}).status_code == 400


def test_long_text_gives_several_highlighted_passages(client, db):
    filler = " ".join(f"word{i}" for i in range(300))
    text = f"<p>Indemnity first. {filler} The indemnity again. {filler} Last indemnity here.</p>"
    DocumentFactory(title="Long memorandum", summary="", text=text)
    response = client.get("/search/", {"q": "indemnity"})
    snippet = response.context["page"].hits[0].snippet_html
    assert snippet.count("<mark>Indemnity</mark>") + snippet.count("<mark>indemnity</mark>") == 3
    assert snippet.count("…") >= 2


def test_a_hyphenated_wade_giles_name_typed_as_written_expands(client, db):
    DocumentFactory(title="Memorial of Li Hongzhang", summary="", public_id="pinyin")
    page = client.get("/search/", {"q": "Li Hung-chang"}).context["page"]
    assert [h.document.public_id for h in page.hits] == ["pinyin"]
    assert page.expansions and "Li Hongzhang" in page.expansions[0][1]


def test_korean_names_keep_their_syllables():
    from chancery.search.analysis import fold_key

    assert fold_key("고종") != fold_key("광주")
    assert fold_key("김일성") == "김일성"


def test_a_word_only_deep_in_a_very_long_text_still_gets_its_passage(client, db):
    filler = "<p>" + " ".join(f"word{i}" for i in range(12_000)) + "</p>"
    DocumentFactory(title="Treaty of commerce", summary="", text=f"{filler}<p>A Mukden clause.</p>")
    hit = client.get("/search/", {"q": "Mukden"}).context["page"].hits[0]
    assert "<mark>Mukden</mark> clause" in hit.snippet_html
    assert hit.snippet_layer == "translation"


def test_dates_overlap_within_and_undated_counted(client, db):
    DocumentFactory(title="Exact", summary="", date="1958-09-27")
    DocumentFactory(title="Span", summary="", date="1957-12-01/1958-02-01")
    for n in range(3):
        DocumentFactory(title=f"Undated {n}", summary="", date="")
    page = client.get("/search/", {"start_date": "1958", "end_date": "1958"}).context["page"]
    assert page.total == 2 and page.undated == 3
    within = client.get(
        "/search/", {"start_date": "1958", "end_date": "1958", "date_mode": "within"}
    ).context["page"]
    assert within.total == 1 and within.undated == 3
    response = client.get("/search/", {"q": "1958..1958"})
    assert "3 undated documents" in response.content.decode()
    followed = client.get(response.context["page"].undated_url).context["page"]
    assert followed.total == 3


def test_date_sort_puts_undated_last_and_precise_first(client, db):
    DocumentFactory(title="Year", summary="", date="1958")
    DocumentFactory(title="Day", summary="", date="1958-01-01")
    DocumentFactory(title="None", summary="", date="")
    DocumentFactory(title="Circa", summary="", date="c. 1950")
    up = client.get("/api/v1/search", {"sort": "date"}).json()
    assert [h["title"] for h in up["hits"]] == ["Circa", "Day", "Year", "None"]
    assert up["hits"][0]["date_display"].startswith("c.")
    down = client.get("/api/v1/search", {"sort": "-date"}).json()
    assert [h["title"] for h in down["hits"]][-1] == "None"


def test_histogram_counts_equal_facet_counts_and_bars_link(client, db):
    for year in (1901, 1905, 1905, 1932, 1958):
        DocumentFactory(title=f"Treaty {year}", summary="", date=str(year))
    response = client.get("/search/", {"q": "treaty"})
    page = response.context["page"]
    decades = {o.label: o.count for o in page.facets["decade"]}
    bars = {b.label: b.count for b in page.histogram.bars if b.count}
    assert bars == decades
    html = response.content.decode()
    assert "<svg" in html and 'aria-label="1900s: 3 documents"' in html
    tallest = page.histogram.tallest
    assert tallest.label == "1900s"
    assert client.get(tallest.url).context["page"].total == 3


def test_histogram_by_year_inside_one_decade(client, db):
    for year in (1900, 1900, 1901):
        DocumentFactory(title=f"Boxer {year}", summary="", date=str(year))
    page = client.get("/search/", {"q": "Boxer"}).context["page"]
    assert page.histogram.unit == "year"
    bars = {b.label: b.count for b in page.histogram.bars}
    assert bars == {"1900": 2, "1901": 1}
    assert sum(bars.values()) == sum(o.count for o in page.facets["decade"])


def test_did_you_mean_from_the_archive_vocabulary(client, db):
    DocumentFactory(title="Khrushchev in America", summary="")
    DocumentFactory(title="Khrushchev and Mao", summary="")
    response = client.get("/search/", {"q": "Krushchevv"})
    page = response.context["page"]
    assert page.total == 0
    assert page.suggestion.lower() == "khrushchev"
    assert "Did you mean" in response.content.decode()


def test_help_page_is_linked_from_the_search_box(client, db):
    html = client.get("/search/").content.decode()
    assert 'href="/help/search/"' in html
    help_page = client.get("/help/search/")
    assert help_page.status_code == 200
    text = help_page.content.decode()
    for needle in ("person:", "1900..1901", "Also searched for", "-railway", "nation*"):
        assert needle in text


def test_explain_is_for_staff_only(client, db):
    DocumentFactory(title="Treaty of Portsmouth", summary="")
    anonymous = client.get("/search/", {"q": "treaty", "explain": "1"})
    assert "How this search was run" not in anonymous.content.decode()
    staff = get_user_model().objects.create_user("ed", password="pw", is_staff=True)
    client.force_login(staff)
    html = client.get("/search/", {"q": "treaty", "explain": "1"}).content.decode()
    assert "How this search was run" in html and "bm25" in html
