"""What the archive's word rarity decides, on every engine (issue #14): a rare word ranks
above a common one (BM25, also on PostgreSQL), a person's full name finds the documents
that give only a rare surname (below those with the name), and a single word read as
pinyin without a sign of pinyin ("Gangyi") finds its Wade-Giles spelling — but no
ordinary English word, and no word the archive itself uses often, is read so."""

import pytest
from django.contrib.auth import get_user_model

from chancery.search import romanise
from chancery.search.backends import get_backend
from chancery.search.indexing import index_documents
from chancery.search.query import SearchQuery
from tests.factories import DocumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def ranked(text):
    return [h.document.title for h in get_backend().search(SearchQuery(text=text))[0:20]]


def fillers(n, text):
    for i in range(n):
        DocumentFactory(title=f"Filler {i}", summary="", text=f"<p>{text}</p>")


# --- BM25: word rarity --------------------------------------------------------------------


def test_a_rare_word_outranks_a_common_word_said_many_times():
    # Both match two of the three words. The first says the common words over and over,
    # close together (what ts_rank_cd's cover density rewarded); the second has the one
    # word that almost no document has.
    DocumentFactory(
        title="Memorandum", summary="",
        text="<p>" + " ".join(["The treaty port of the treaty port."] * 6) + "</p>",
    )  # fmt: skip
    DocumentFactory(
        title="Despatch", summary="",
        text="<p>The treaty was read, and the question of Formosa was raised once.</p>",
    )  # fmt: skip
    fillers(8, "A treaty port was opened.")
    assert ranked("treaty port Formosa")[:2] == ["Despatch", "Memorandum"]


def test_a_rare_alternative_outranks_a_common_one():
    DocumentFactory(title="Memorandum", summary="", text="<p>Treaty, treaty, treaty.</p>")
    DocumentFactory(title="Despatch", summary="", text="<p>The Formosa question.</p>")
    fillers(8, "A treaty was signed.")
    assert ranked("Formosa OR treaty")[:2] == ["Despatch", "Memorandum"]


def test_document_frequency_follows_the_index():
    backend = get_backend()
    assert backend.document_frequency("Zanzibar") == 0
    first = DocumentFactory(title="Zanzibar", summary="", text="<p>The sultan.</p>")
    DocumentFactory(title="Note", summary="", text="<p>At Zanzibar, the consul.</p>")
    assert backend.document_frequency("Zanzibar") == 2
    assert backend.archive_size() == 2
    first.title = "Pemba"
    first.save()
    index_documents([first.pk])
    assert backend.document_frequency("Zanzibar") == 1
    first.delete()
    assert backend.document_frequency("zanzibar") == 1
    assert backend.archive_size() == 1


# --- a full name: the rare surname alone ----------------------------------------------------


def test_a_full_name_finds_the_rare_surname_alone_below_the_full_name(client):
    # The surname-only document has it in its title (weight 10): without the generated
    # weighting it would rank first.
    DocumentFactory(title="Diaz at the palace", summary="", text="<p>President Diaz.</p>")
    DocumentFactory(title="Report", summary="", text="<p>General Porfirio Díaz replied.</p>")
    fillers(3, "Nothing about the president.")
    assert ranked("Porfirio Díaz") == ["Report", "Diaz at the palace"]
    page = client.get("/search/", {"q": "Porfirio Díaz"}).context["page"]
    assert page.generated == [("Porfirio Díaz", [("Díaz", "surname alone")])]
    staff = get_user_model().objects.create_user("ed", password="pw", is_staff=True)
    client.force_login(staff)
    html = client.get("/search/", {"q": "Porfirio Díaz", "explain": "1"}).content.decode()
    assert "Also searched for:" in html and "Porfirio Díaz: Díaz (surname alone)" in html


def test_a_common_surname_is_not_searched_alone():
    DocumentFactory(title="Report", summary="", text="<p>General Porfirio Díaz replied.</p>")
    fillers(6, "President Diaz received the minister.")  # 7 of 7: not rare
    assert ranked("Porfirio Díaz") == ["Report"]


def test_words_that_are_no_name_are_not_cut_to_their_last_word():
    DocumentFactory(title="Canal", summary="", text="<p>The canal was closed.</p>")
    DocumentFactory(title="Report", summary="", text="<p>The Grand Canal was closed.</p>")
    fillers(3, "Nothing here.")
    DocumentFactory(title="Hongzhang", summary="", text="<p>Hongzhang.</p>")
    assert ranked("Grand Canal") == ["Report"]  # two English words, nobody recorded
    assert ranked("Li Hongzhang") == []  # a Chinese name: the surname comes first


# --- one word of pinyin without a sign -------------------------------------------------------


def test_a_single_pinyin_word_without_a_sign_finds_its_wade_giles_spelling(client):
    DocumentFactory(title="Despatch", summary="", text="<p>The Grand Secretary Kang-i.</p>")
    DocumentFactory(title="Other", summary="", text="<p>Nothing about him.</p>")
    assert ranked("Gangyi") == ["Despatch"]
    page = client.get("/search/", {"q": "Gangyi"}).context["page"]
    assert ("Kang-i", "Wade-Giles") in page.generated[0][1]


@pytest.mark.parametrize(
    "word",
    ["banana", "China", "change", "Panama", "Manila", "banning", "mining", "shining",
     "tuning", "lining", "tanning", "panda", "bandana", "mama", "papa", "Lima"],
)  # fmt: skip
def test_an_english_word_that_splits_into_syllables_is_not_read_as_pinyin(word):
    assert len(romanise.segment(word, romanise.PINYIN) or []) >= 2  # it would split
    assert not romanise.signless_pinyin(word)
    assert romanise.chinese([word]) == []


@pytest.mark.parametrize("word", ["Gangyi", "Kangyi", "Hunan", "Shikai", "Kunyi"])
def test_names_that_split_into_syllables_are_read_as_pinyin(word):
    assert romanise.signless_pinyin(word)


def test_a_word_the_archive_uses_often_is_not_romanised(client):
    fillers(6, "The province of Hunan.")  # 6 of 7 documents: the archive's own spelling
    DocumentFactory(title="Hu-nan report", summary="", text="<p>Hu-nan.</p>")
    page = client.get("/search/", {"q": "Hunan"}).context["page"]
    assert page.generated == []
