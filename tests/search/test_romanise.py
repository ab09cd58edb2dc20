"""Spellings by rule (chancery/search/romanise/): every pinyin syllable, Wade-Giles and
postal both ways, Russian schemes both ways, letters, given names and titles.

Every name here is absent from the shipped variants table (checked below), so what is
found is found by rule."""

import pytest

from chancery.search import romanise
from chancery.search.analysis import fold_key
from chancery.search.romanise import (
    cyrillic_candidates,
    generate,
    pinyin_syllables,
    segment,
    to_pinyin,
    to_wade_giles,
)
from chancery.search.variants import TABLE, read_table


def texts(words):
    return {f.text for f in generate(words)}


def schemes(words):
    return {f.text: f.scheme for f in generate(words)}


#: Names the search tests (test_generated_spellings.py) find by rule. Some names below
#: (Izvolsky, Sazonov, Tseng Chi-tse, Kabul) are also in the variants table: those tests
#: call the rules directly, without the table.
NAMES_USED = ["Lü Haihuan", "Lu Hai-huan", "Pokotilov", "Pokotiloff", "Mueller", "Wilhelm Solf"]


def test_names_used_here_are_not_in_the_variants_table():
    keys = {fold_key(f) for _, forms, _ in read_table(TABLE) for f in forms}
    assert not keys & {fold_key(n) for n in NAMES_USED}


def test_the_shipped_table_is_pypinyins():
    """data/wade_giles.tsv is pypinyin's table (one fix, 'luan') and holds every reading
    of pypinyin's dictionary. pypinyin is read here, not at search time (it costs a second
    to import)."""
    from pypinyin import Style
    from pypinyin.pinyin_dict import pinyin_dict
    from pypinyin.style import convert, wadegiles

    shipped = romanise.pinyin._wade_table()
    table = {k.replace("v", "ü"): v.replace("v", "ü") for k, v in wadegiles._convert_table}
    differ = {k: (v, shipped.get(k)) for k, v in table.items() if shipped.get(k) != v}
    assert differ == {"luan": ("lüan", "luan")}
    readings = {
        convert(r, Style.NORMAL, strict=False).replace("v", "ü")
        for rs in pinyin_dict.values()
        for r in rs.split(",")
    }
    assert readings <= set(shipped)


def test_every_pinyin_syllable_has_a_wade_giles_form_and_comes_back():
    syllables = pinyin_syllables()
    assert 400 <= len(syllables) <= 440
    for syllable in syllables:
        wade = to_wade_giles(syllable)
        assert wade, syllable
        # Wade-Giles -> pinyin gives the syllable back (first or among the readings).
        assert syllable in to_pinyin(wade), (syllable, wade)


@pytest.mark.parametrize(
    "pinyin,wade",
    [
        ("lü", "lü"), ("lüe", "lüeh"), ("lve", "lüeh"), ("shi", "shih"), ("zhi", "chih"),
        ("chi", "ch'ih"), ("si", "ssu"), ("ci", "tz'u"), ("zi", "tzu"), ("er", "erh"),
        ("ri", "jih"), ("rong", "jung"), ("zhong", "chung"), ("xian", "hsien"),
        ("jian", "chien"), ("qi", "ch'i"), ("xu", "hsü"), ("zeng", "tseng"), ("zhou", "chou"),
        ("ren", "jen"), ("qiong", "ch'iung"), ("zhe", "che"), ("nü", "nü"),
    ],
)  # fmt: skip
def test_tricky_syllables_both_ways(pinyin, wade):
    assert to_wade_giles(pinyin) == wade
    assert pinyin.replace("lve", "lüe") in to_pinyin(wade)


def test_wade_giles_without_apostrophes_and_ssu_spellings_read_back():
    assert to_pinyin("ch'ih") == ["chi"]
    assert to_pinyin("chih")[0] == "zhi" and "chi" in to_pinyin("chih")
    assert to_pinyin("szu")[0] == "si" and to_pinyin("sze")[0] == "si"
    assert to_pinyin("tz'u") == ["ci"]
    assert to_pinyin("ch’i") == ["qi"]  # a typographic apostrophe


def test_tones_are_normalised():
    assert to_wade_giles("zēng") == "tseng"
    assert to_wade_giles("lǚ") == "lü"
    assert to_wade_giles("zeng1") == "tseng"


def test_segmentation_of_run_together_names():
    assert segment("Tsengchitse", romanise.WADE_GILES) == ["tseng", "chi", "tse"]
    assert segment("Hongzhang", romanise.PINYIN) == ["hong", "zhang"]
    assert segment("xian", romanise.PINYIN) == ["xian"]  # fewest syllables
    assert segment("Xi'an".replace("'", ""), romanise.PINYIN) == ["xian"]
    assert segment("Railway", romanise.PINYIN) is None


@pytest.mark.parametrize(
    "typed", [["Tseng", "Chi", "Tse"], ["Tseng", "Chi-tse"], ["Tsengchitse"], ["Tseng", "Chitse"]]
)
def test_wade_giles_typed_any_way_gives_the_pinyin_name(typed):
    assert "Zeng Jize" in texts(typed)


def test_pinyin_name_gives_wade_giles_and_postal():
    found = schemes(["Zeng", "Jize"])
    assert found["Tseng Chi-tse"] == "Wade-Giles"
    assert "postal" in found.values()
    assert "Lü Hai-huan" in texts(["Lü", "Haihuan"])
    assert "Shih Chao-chi" in texts(["Shi", "Zhaoji"])
    found = schemes(["Guangzhou"])
    assert found["Kuang-chou"] == "Wade-Giles" and found["Kwangchow"] == "postal"
    assert "Hsi-an" in texts(["Xi'an"])
    assert "Ch'ing" in texts(["Qing"]) and "Ching" in texts(["Qing"])


def test_sze_and_ssu_spellings_read_as_si():
    assert "Si" in texts(["Sze"]) and "Si" in texts(["Szu"])
    assert "Sima" in texts(["Ssu-ma"])
    assert "Er" in texts(["Erh"])


def test_english_words_are_not_romanised():
    assert generate(["treaty"]) == []
    assert generate(["China"]) == []
    assert generate(["railway"]) == []
    # a town's other names are the gazetteer's (tests/search/test_gazetteer.py), no spelling
    assert {f.scheme for f in generate(["Washington"])} <= {"gazetteer"}


def test_russian_from_cyrillic_in_every_scheme():
    found = schemes(["Извольский"])
    assert found["Izvolsky"] == "French"
    assert found["Iswolski"] == "German"
    assert found["Iswolsky"] == "German, French ending"
    assert found["Izvol'skiĭ"] == "Library of Congress"
    assert found["Izvol'skiy"] == "BGN/PCGN"
    assert found["Izvol'skij"] == "ISO 9"
    found = schemes(["Сазонов"])
    assert found["Sazonoff"] == "French" and found["Sasonow"] == "German"
    assert found["Sazonov"] == "Library of Congress"
    found = schemes(["Ермолаев"])
    assert found["Ermolaieff"] == "French" and found["Jermolajew"] == "German"
    assert found["Yermolayev"] == "BGN/PCGN"
    assert schemes(["Козлов"])["Kosloff"] == "German, French ending"


@pytest.mark.parametrize("typed", ["Izvolsky", "Iswolsky", "Iswolski", "Izvol'skii"])
def test_russian_back_to_cyrillic_then_the_other_schemes(typed):
    found = texts([typed])
    assert {"Izvolsky", "Iswolski", "Iswolsky"} - {typed} <= found
    assert any(t.startswith("Извол") for t in found)


@pytest.mark.parametrize("typed", ["Sazonov", "Sazonoff", "Sasonow"])
def test_sazonov_in_every_spelling(typed):
    found = texts([typed]) | {typed}
    assert {"Sazonov", "Sazonoff", "Sasonow", "Сазонов"} <= found


def test_cyrillic_candidates():
    assert cyrillic_candidates("Sazonoff")[0] == "сазонов"
    assert cyrillic_candidates("Izvol'skii")[0] == "извольский"
    assert cyrillic_candidates("Kokovtsov")[0] == "коковцов"


def test_umlauts_scandinavian_letters_and_c_k():
    assert schemes(["Müller"]) == {"Mueller": "ä as ae"}
    assert "Müller" in texts(["Mueller"])
    assert "Queen" not in texts(["Queen"])  # no ü from "ue" after q
    assert generate(["Queen"]) == []
    assert "Aalesund" in texts(["Ålesund"])  # "Alesund" is what every engine folds it to
    assert "Troendelag" in texts(["Trøndelag"])
    assert "Korea" in texts(["Corea"]) and "Corea" in texts(["Korea"])
    assert "Kabul" in texts(["Cabul"]) and "Cabul" in texts(["Kabul"])


def test_given_names_and_titles_before_a_surname():
    assert "William Solf" in texts(["Wilhelm", "Solf"])
    assert "Joseph Redlich" in texts(["Josef", "Redlich"])
    assert generate(["Wilhelm"]) == []  # alone, a given name is not widened
    assert {"General Wood"} <= texts(["Gen.", "Wood"])
    assert {"Lieut. Sims", "Lt. Sims"} <= texts(["Lieutenant", "Sims"])
    assert "Honorable John Hay" in texts(["Hon.", "John", "Hay"])
    assert "Captain Mahan" in texts(["Capt.", "Mahan"])
    assert "Admiral Dewey" in texts(["Adm.", "Dewey"])
    assert "Col. House" in texts(["Colonel", "House"])


def test_forms_are_bounded_and_never_the_typed_form():
    for words in (["Извольский"], ["Tseng", "Chi", "Tse"], ["Alexander", "Iswolsky"]):
        forms = generate(words)
        assert len(forms) <= romanise.MAX_FORMS
        typed = " ".join(words).lower()
        assert all(f.text.lower() != typed for f in forms)
