"""Russian names: from Cyrillic, the Library of Congress, BGN/PCGN, ISO 9, French and
German forms; from a romanised form, the Cyrillic it may stand for
(:func:`cyrillic_candidates`), then the same schemes (:func:`russian`)."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

import iuliia

from .forms import DATA, Form, _keyed
from .pinyin import _chinese_spelling

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: A romanised Russian surname or patronymic: its ending.
_RUSSIAN_ENDING = re.compile(
    r"(ov|ova|off|ow|owa|ev|eva|eff|ew|ski|sky|skii|skiy|skij|skaya|skaia|vich|vitch|"
    r"witsch|enko|yev|iev|jew|ayev|aev|ine|chev|tchev|schew)$"
)


@functools.cache
def _schemes_table() -> tuple[dict[str, str], dict[str, str]]:
    french, german = {}, {}
    for line in (DATA / "russian_schemes.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        letter, fr, de = line.split("\t")
        french[letter] = "" if fr == "-" else fr
        german[letter] = "" if de == "-" else de
    return french, german


#: Endings each historical scheme writes its own way (before the letter table applies).
ENDINGS = {
    "French": [("ский", "sky"), ("ской", "skoï"), ("ий", "y"), ("ый", "y"), ("ов", "off"),
               ("ев", "eff"), ("ёв", "ieff")],
    "German": [("ский", "ski"), ("ий", "i"), ("ый", "y"), ("ой", "oi"), ("ев", "ew"),
               ("ов", "ow")],
}  # fmt: skip

_VOWELS = "аеёиоуыэюяьъ"


def _historical(word: str, scheme: str) -> str:
    french, german = _schemes_table()
    table = french if scheme == "French" else german
    tail = ""
    for ending, written in ENDINGS[scheme]:
        if word.endswith(ending) and len(word) > len(ending):
            word, tail = word[: -len(ending)], written
            # е after a vowel is ie/je in the ending too (Ермолаев: Ermolaieff, Jermolajew)
            if ending[0] == "е" and word[-1] in _VOWELS:
                tail = ("i" if scheme == "French" else "j") + tail
            break
    out = []
    for i, c in enumerate(word):
        latin = table.get(c, c)
        before = word[i - 1] if i else ""
        # е after a vowel: ie (French), je (German); at the start: je (German only)
        if c == "е" and (before in _VOWELS if i else scheme == "German"):
            latin = "ie" if scheme == "French" else "je"
        # с between vowels: ss (both schemes, so it is not read as z)
        if (
            c == "с"
            and before
            and before in _VOWELS
            and i + 1 < len(word)
            and word[i + 1] in _VOWELS
        ):
            latin = "ss"
        out.append(latin)
    return "".join(out) + tail


def _schemes(cyrillic: str) -> list[Form]:
    """The romanisations of one Cyrillic name (one or more words)."""
    low = cyrillic.lower()
    forms = []

    def word_by_word(fn) -> str:
        return " ".join(fn(w).capitalize() for w in low.split())

    forms.append(Form(word_by_word(lambda w: _historical(w, "French")), "French"))
    german = word_by_word(lambda w: _historical(w, "German"))
    forms.append(Form(german, "German"))
    # English-language documents mostly took the German letters with the French endings
    # (Iswolsky, Kosloff): one such form.
    mixed = re.sub(r"ski\b", "sky", re.sub(r"(?<=[oe])w\b", "ff", german))
    if mixed != german:
        forms.append(Form(mixed, "German, French ending"))
    later = []
    for schema, label in ((iuliia.ALA_LC, "Library of Congress"), (iuliia.BGN_PCGN, "BGN/PCGN"),
                          (iuliia.GOST_779, "ISO 9")):  # fmt: skip
        text = word_by_word(schema.translate)
        text = text.replace("ʹ", "'").replace("’", "'").replace("\u0361", "").replace("·", "")
        text = unicodedata.normalize("NFC", text)
        forms.append(Form(text, label))
        if "'" in text:
            later.append(Form(text.replace("'", ""), f"{label}, no soft signs"))
    return forms + later


#: Latin letters -> the Cyrillic they may stand for in some scheme, likeliest first.
_LATIN = sorted(
    {
        "shch": ["щ"], "schtsch": ["щ"], "chtch": ["щ"], "tsch": ["ч"], "tch": ["ч"],
        "sch": ["ш"], "ch": ["ч", "х", "ш"], "kh": ["х"], "zh": ["ж"], "sh": ["ш"],
        "ts": ["ц"], "tz": ["ц"], "ya": ["я"], "ja": ["я"], "ia": ["я", "иа"], "yu": ["ю"],
        "ju": ["ю"], "iu": ["ю"], "iou": ["ю"], "yo": ["ё"], "jo": ["ё"], "io": ["ё", "ио"],
        "ye": ["е"], "je": ["е"], "ie": ["е", "ие"], "ou": ["у"], "ss": ["с"], "a": ["а"],
        "b": ["б"], "v": ["в"], "w": ["в"], "g": ["г"], "d": ["д"], "e": ["е", "э"],
        "z": ["з", "ц"], "i": ["и", "й"], "j": ["й", "ж"], "k": ["к"], "l": ["л"],
        "m": ["м"], "n": ["н"], "o": ["о"], "p": ["п"], "r": ["р"], "s": ["с", "з"],
        "sv": ["зв", "св"], "sw": ["зв", "св"], "sb": ["зб", "сб"], "sd": ["зд", "сд"],
        "sg": ["зг", "сг"], "t": ["т"], "u": ["у"], "f": ["ф"], "h": ["х"], "y": ["ы", "й"],
        "x": ["кс"], "c": ["ц", "к"], "q": ["к"], "'": ["ь"],
    }.items(),
    key=lambda item: -len(item[0]),
)  # fmt: skip
#: Endings read as one piece, Latin -> Cyrillic.
_LATIN_ENDINGS = [
    ("skii", "ский"), ("skiy", "ский"), ("skij", "ский"), ("sky", "ский"), ("ski", "ский"),
    ("off", "ов"), ("ow", "ов"), ("eff", "ев"), ("ew", "ев"), ("iy", "ий"), ("ii", "ий"),
    ("ij", "ий"), ("yi", "ый"),
]  # fmt: skip


def cyrillic_candidates(word: str, limit: int = 3) -> list[str]:
    """The Cyrillic a romanised Russian word may stand for, likeliest first: 'Sazonoff',
    'Sasonow', 'Sazonov' -> 'сазонов' among them."""
    word = _chinese_spelling(word).replace("'", "'")
    word = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    tail = ""
    for ending, cyr in _LATIN_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            word, tail = word[: -len(ending)], cyr
            break
    # (cost, text) beams: each choice beyond the likeliest costs one.
    beams: list[tuple[int, str, int]] = [(0, "", 0)]
    done: list[tuple[int, str]] = []
    while beams:
        nxt = []
        for cost, text, i in beams:
            if i == len(word):
                done.append((cost, text + tail))
                continue
            matched = False
            if (
                word[i] == "s"
                and 0 < i < len(word) - 1
                and word[i - 1] in "aeiouy"
                and word[i + 1] in "aeiouy"
            ):
                # a single s between vowels is z (German, French)
                nxt += [(cost, text + "з", i + 1), (cost + 1, text + "с", i + 1)]
                continue
            for latin, options in _LATIN:  # the longest Latin letters that match
                if word.startswith(latin, i):
                    matched = True
                    for rank, cyr in enumerate(options):
                        nxt.append((cost + rank, text + cyr, i + len(latin)))
                    break
            if not matched:
                nxt.append((cost + 1, text, i + 1))
        nxt.sort(key=lambda b: (b[0], b[2]))
        beams = nxt[: limit * 4]
    done.sort()
    return list(dict.fromkeys(text for _, text in done))[:limit]


def russian(words: list[str]) -> list[Form]:
    """Cyrillic -> LC, BGN/PCGN, ISO 9, French, German; a romanised Russian name -> its
    likeliest Cyrillic, then the same schemes."""
    if not words or len(words) > 3:
        return []
    text = " ".join(words)
    if _CYRILLIC.search(text):
        return _schemes(text)
    last = _keyed(words[-1])
    if not (words[-1][:1].isupper() and len(last) >= 5 and _RUSSIAN_ENDING.search(last)):
        return []
    per_reading = []
    options = [cyrillic_candidates(w, limit=1) for w in words]
    for combo in itertools.product(*options):
        cyrillic = " ".join(c.capitalize() for c in combo)
        per_reading.append([Form(cyrillic, "Cyrillic"), *_schemes(cyrillic)])
    # The likeliest reading's forms first, then the next reading's.
    return [form for forms in per_reading for form in forms]
