"""Other spellings of a name by rule, for names no variants table lists.

:func:`generate` takes the words of a name as typed and returns the forms the same name
takes in other romanisations or spellings, each with the scheme that made it:

- **Chinese**: pinyin ↔ Wade-Giles ↔ postal, syllable by syllable. The pinyin → Wade-Giles
  table (``data/wade_giles.tsv``) is ``pypinyin``'s (built from the Wade-Giles conversion
  tables of the University of Chicago Library and others), for every toneless reading of
  its dictionary. Tones (marks or
  numbers), apostrophes, hyphens and spacing are normalised on both sides, and a name typed
  separated, hyphenated or run together is segmented into syllables ("Tseng Chi Tse",
  "Tseng Chi-tse" and "Tsengchitse" are all Zeng Jize). Postal forms follow the rules of
  the Chinese Post Office's spellings (aspirates unmarked, ``k`` for ``j``/``q`` before
  ``i``, ``s`` for ``x``, ``kw`` for ``gu``/``ku``, ``-ow`` for ``-ou``), which the Post
  Office applied with many exceptions: those stay in the variants table.
- **Russian**: from Cyrillic, the Library of Congress (ALA-LC), BGN/PCGN and ISO 9
  (GOST 7.79 A) forms (``iuliia``), and the French and German forms of
  ``data/russian_schemes.tsv``; from a romanised form, the Cyrillic it may stand for
  (:func:`cyrillic_candidates`), then the same schemes.
- **Letters**: German ä/ö/ü ↔ ae/oe/ue, Scandinavian å/ø/æ ↔ aa/oe/ae, older English c ↔ k
  at the start of a name (Corea/Korea, Cabul/Kabul).
- **Place names** a gazetteer knows: a town's other names, historical and foreign
  (:mod:`.gazetteer`, GeoNames: Pressburg ↔ Bratislava, Danzig ↔ Gdańsk), scheme
  ``gazetteer``, after the spellings (taking the room of at most ``GAZETTEER_SHARE``).
- **Given names** across languages (``data/given_names.tsv``, only before a surname) and
  **ranks and titles** abbreviated or written out (:data:`TITLES`).

Everything here is pure Python over shipped data: no database, no engine. The forms are
searched below the typed form and the variants table's (``ranking.GENERATED_WEIGHT``).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import iuliia

from . import gazetteer

DATA = Path(__file__).parent / "data"
#: Forms one name may add (the cost budget: each is one more alternative in the query).
MAX_FORMS = 8
#: Of those, the places the gazetteer gives may take the room of this many spellings.
GAZETTEER_SHARE = 4

WADE_GILES = "Wade-Giles"
WADE_GILES_PLAIN = "Wade-Giles, no apostrophes"
POSTAL = "postal"
PINYIN = "pinyin"


@dataclass(frozen=True)
class Form:
    """Another spelling of a typed name and the scheme (or rule) that made it."""

    text: str
    scheme: str


# --- Chinese ---------------------------------------------------------------------------


@functools.cache
def _wade_table() -> dict[str, str]:
    """pinyin syllable -> Wade-Giles (ü as ü), from ``data/wade_giles.tsv``: ``pypinyin``'s
    table, shipped as data (importing ``pypinyin`` costs a second and 100 MB for its
    dictionaries; the tests check the file against it)."""
    table = {}
    for line in (DATA / "wade_giles.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            pinyin, wade = line.split("\t")
            table[pinyin] = wade
    return table


def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (434: every reading of ``pypinyin``'s dictionary)."""
    return frozenset(_wade_table())


def to_wade_giles(syllable: str) -> str:
    """'zhi' -> 'chih', 'qu' -> "ch'ü", 'si' -> 'ssu', 'lüe' -> 'lüeh'."""
    return _wade_table()[_pinyin_spelling(syllable)]


@functools.cache
def _wade_reverse() -> dict[str, list[str]]:
    """Wade-Giles syllable (with or without its apostrophe, with ü or u) -> pinyin
    syllables, the one written exactly so first ('chi' -> ['ji', 'qi'])."""
    exact: dict[str, list[str]] = {}
    loose: dict[str, list[str]] = {}
    for pinyin, wade in sorted(_wade_table().items()):
        exact.setdefault(wade, []).append(pinyin)
        for key in {wade.replace("'", ""), _plain(wade)}:
            loose.setdefault(key, []).append(pinyin)
    table = {k: list(v) for k, v in loose.items()}
    for key, values in exact.items():
        table[key] = list(dict.fromkeys([*values, *table.get(key, [])]))
    # The other spellings of the syllables written 'ssu' and 'tzu'.
    for alias, of in (("szu", "ssu"), ("sze", "ssu"), ("tsu", "tzu"), ("tze", "tzu")):
        table.setdefault(alias, table[of])
    return table


def _plain(wade: str) -> str:
    return wade.replace("'", "").replace("ü", "u").replace("ê", "e")


def to_pinyin(wade: str) -> list[str]:
    """The pinyin syllables a Wade-Giles syllable may stand for, likeliest first."""
    return _wade_reverse().get(_chinese_spelling(wade), [])


def _pinyin_spelling(syllable: str) -> str:
    """'lv', 'lu:', 'lue' (for lüe) and tone numbers normalised to the table's spelling."""
    s = _chinese_spelling(syllable.replace("u:", "ü")).replace("v", "ü")
    if s in ("lue", "nue"):
        s = s[0] + "üe"
    return s


def _chinese_spelling(text: str) -> str:
    """Lower case without tone marks or tone numbers; ü, ê and apostrophes kept."""
    text = unicodedata.normalize("NFD", text.lower().replace("’", "'").replace("ʻ", "'"))
    kept = []
    for c in text:
        if unicodedata.combining(c) and c not in ("\u0308", "\u0302"):
            continue
        kept.append(c)
    return re.sub(r"\d", "", unicodedata.normalize("NFC", "".join(kept)))


@functools.cache
def _segmentable(kind: str) -> frozenset[str]:
    if kind == PINYIN:
        syllables = {s for s in pinyin_syllables() if re.search("[aeiouü]", s)}
        syllables |= {s.replace("ü", "v") for s in syllables}
        return frozenset(syllables)
    syllables = {k for k in _wade_reverse() if re.search("[aeiouü]", k)}
    return frozenset(syllables)


def segment(piece: str, kind: str) -> list[str] | None:
    found = _segment(piece, kind)
    return list(found) if found is not None else None


@functools.lru_cache(maxsize=20_000)
def _segment(piece: str, kind: str) -> tuple[str, ...] | None:
    """A word split into syllables of ``kind`` (pinyin or Wade-Giles), fewest syllables
    first; a syllable starting with a vowel only at the start (pinyin writes an apostrophe
    there: "Xi'an"). None when it cannot be split."""
    piece = _chinese_spelling(piece)
    if not _SYLLABLE_LETTERS.fullmatch(piece):
        return None
    syllables = _segmentable(kind)
    n = len(piece)
    best: list[list[str] | None] = [None] * (n + 1)
    best[n] = []
    for i in range(n - 1, -1, -1):
        for j in range(min(n, i + 7), i, -1):
            head = piece[i:j]
            tail = best[j]
            if head not in syllables or tail is None:
                continue
            if i > 0 and head[0] in "aeoê" and kind == PINYIN:
                continue
            if best[i] is None or len(tail) + 1 < len(best[i]):  # type: ignore[arg-type]
                best[i] = [head, *tail]
    return tuple(best[0]) if best[0] is not None else None


_SYLLABLE_LETTERS = re.compile(r"[a-zü'ê]+")

#: Signs that a word is pinyin or Wade-Giles rather than English: letters or endings
#: English spelling does not use so.
_PINYIN_SIGN = re.compile(r"x|q|zh|(^|[^t])z|j[iu]|ong|iu|ui|ian|ao|ü|\b(sh|r|s|c)i\b")
_WADE_SIGN = re.compile(r"'|hs|ts|tz|ih|ieh|ung|ssu|szu|sze|\berh\b|^(k|p|t|ch)'")


def _pieces(words: list[str]) -> list[list[str]]:
    """Each typed word as its hyphen- or apostrophe-free pieces ("Chi-tse": chi, tse)."""
    return [[p for p in re.split(r"[-\s]+", w) if p] for w in words]


def _pinyin_pieces(words: list[str]) -> list[list[str]]:
    """As :func:`_pieces`, an apostrophe also parting syllables ("Xi'an": xi, an)."""
    return [[p for p in re.split(r"[-\s'’]+", w) if p] for w in words]


def _layouts(sylls: list[list[str]]) -> list[list[list[str]]]:
    """The word groupings to write: as typed, and as a personal name (one-syllable
    surname, then the given name) when three syllables came as one word or three."""
    flat = [s for word in sylls for s in word]
    layouts = [sylls]
    if len(flat) == 3 and len(sylls) in (1, 3):
        layouts.append([[flat[0]], flat[1:]])
    return layouts


def _wade_word(syllables: list[str]) -> str:
    return "-".join(syllables).capitalize()


def _postal(pinyin: str) -> str:
    """The postal spelling of a pinyin syllable, by the Post Office's rules."""
    wade = _plain(to_wade_giles(pinyin))
    if pinyin[0] in "jq" and wade.startswith("ch"):
        wade = "k" + wade[2:]
    elif pinyin[0] == "x" and wade.startswith("hs"):
        wade = "s" + wade[2:]
    wade = re.sub(r"^(k|h)u(ang|ei|ai|an)$", r"\1w\2", wade)
    wade = re.sub(r"^(k|h)ui$", r"\1wei", wade)
    return re.sub(r"ou$", "ow", wade)


def _syllables(pieces: list[list[str]], kind: str) -> list[list[str]] | None:
    """Each word's syllables in one romanisation, its pieces split in turn; None when a
    piece does not split."""
    sylls = []
    for piece_list in pieces:
        word = []
        for piece in piece_list:
            found = segment(piece, kind)
            if not found:
                return None
            word += found
        sylls.append(word)
    return sylls


def _older_forms(layout: list[list[str]]) -> list[Form]:
    """Wade-Giles (with and without apostrophes) and postal spellings of words of pinyin
    syllables."""
    wade = [[to_wade_giles(s) for s in w] for w in layout]
    return [
        Form(" ".join(_wade_word(w) for w in wade), WADE_GILES),
        Form(" ".join(_wade_word([_plain(s) for s in w]) for w in wade), WADE_GILES_PLAIN),
        Form(" ".join("".join(_postal(s) for s in w).capitalize() for w in layout), POSTAL),
    ]


def _from_pinyin(words: list[str]) -> list[Form]:
    sylls = _syllables(_pinyin_pieces(words), PINYIN)
    if sylls is None:
        return []
    spelt = [[_pinyin_spelling(s) for s in w] for w in sylls]
    return [form for layout in _layouts(spelt) for form in _older_forms(layout)]


def _from_wade(words: list[str]) -> list[Form]:
    sylls = _syllables(_pieces(words), WADE_GILES)
    if sylls is None:
        return []
    forms = []
    for layout in _layouts(sylls):
        readings = [[to_pinyin(s) for s in w] for w in layout]
        if any(not r for w in readings for r in w):
            return []
        first = [[r[0] for r in w] for w in readings]
        forms.append(Form(" ".join("".join(w).capitalize() for w in first), PINYIN))
        forms += _older_forms(first)
    return forms


@functools.cache
def english_words() -> frozenset[str]:
    """The words of two English dictionaries (Webster's Second and GCIDE, 263,000 words,
    lower case, as the ``english-words`` package ships them; read once, on first need)."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2", "gcide"], lower=True, alpha=True))


#: A word with no sign of pinyin is read as pinyin when it splits into this many
#: syllables or more ("Gangyi": gang yi) and is no English word.
SIGNLESS_SYLLABLES = 2


def signless_pinyin(word: str) -> bool:
    """True when ``word`` shows no sign of pinyin (:data:`_PINYIN_SIGN`) yet reads as a
    pinyin name: it splits wholly into at least :data:`SIGNLESS_SYLLABLES` syllables and
    is not an English dictionary word ("banana", "China", "change" and "Panama" split into
    syllables too). The archive may still know it as an ordinary word: the plan also asks
    its document frequency (``variants``)."""
    spelt = _chinese_spelling(word)
    if not spelt.isalpha() or not spelt.isascii() or _PINYIN_SIGN.search(spelt):
        return False
    sylls = segment(spelt, PINYIN)
    if not sylls or len(sylls) < SIGNLESS_SYLLABLES:
        return False
    return not is_english(spelt)


_ENDINGS = ("ing", "ed", "es", "s", "er", "ers", "est", "ly", "en")


def is_english(word: str) -> bool:
    """``word`` (lower case) or the word it inflects is in :func:`english_words`
    ("mining": mine, "banning": ban, "tuning": tune)."""
    words = english_words()
    if word in words:
        return True
    for ending in _ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 2:
            undoubled = stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem
            if {stem, stem + "e", undoubled} & words:
                return True
    return False


def chinese(words: list[str]) -> list[Form]:
    """Pinyin -> Wade-Giles and postal, Wade-Giles or postal -> pinyin (and the standard
    Wade-Giles spelling), for a name whose every word splits into syllables and which shows
    a sign of being Chinese romanisation (or has several words that all split, or is one
    word that reads as pinyin without a sign: :func:`signless_pinyin`)."""
    if not words or len(words) > 4:
        return []
    text = " ".join(_chinese_spelling(w) for w in words)
    several = len(words) >= 2 and all(w[:1].isupper() for w in words)
    signless = len(words) == 1 and signless_pinyin(words[0])
    forms = []
    if _PINYIN_SIGN.search(text.replace("'", "")) or several or signless:
        forms += _from_pinyin(words)
    if _WADE_SIGN.search(text) or several:
        forms += _from_wade(words)
    return forms


# --- Russian ---------------------------------------------------------------------------

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


def _keyed(text: str) -> str:
    return " ".join(re.findall(r"\w+", _ascii(text).lower()))


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


# --- letters, given names, titles ------------------------------------------------------


def _ascii(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae")
    text = text.replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


#: ae/oe/ue for ä/ö/ü: in a capitalised word of five letters or more, before a consonant,
#: not after g, q, b or p (Guerrero, Queen, Buenos, Boer, Puerto), and not in a word
#: ending in -ael, -uel, -oel or -uez or holding -uela (Michael, Samuel, Noel, Suez,
#: Venezuela).
_DIGRAPH = re.compile(r"(?<=[^gqbpGQBP])(ae|oe|ue)(?=[bcdfhklmnrstwxz])")
_NOT_DIGRAPH = re.compile(r"(ae|ue|oe)([lz]$|la)")


def _undigraph(word: str) -> str:
    if len(word) < 5 or not word[0].isupper() or _NOT_DIGRAPH.search(word):
        return word
    return _DIGRAPH.sub(lambda m: {"ae": "ä", "oe": "ö", "ue": "ü"}[m.group(1)], word)


_AA = re.compile(r"(^|\s)Aa")
_CK = re.compile(r"\b([CK])(?=[aoulr])")
_UMLAUT = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
_NORDIC = {"å": "aa", "Å": "Aa", "ø": "oe", "Ø": "Oe", "æ": "ae", "Æ": "Ae"}


def letters(words: list[str]) -> list[Form]:
    """German and Scandinavian letters both ways, and c ↔ k at the start of a name."""
    text = " ".join(words)
    forms = []
    if any(c in text for c in _UMLAUT):
        forms.append(Form("".join(_UMLAUT.get(c, c) for c in text), "ä as ae"))
    elif (undone := " ".join(_undigraph(w) for w in words)) != text:
        forms.append(Form(undone, "ae as ä"))
    if any(c in text for c in _NORDIC):
        forms.append(Form("".join(_NORDIC.get(c, c) for c in text), "å as aa"))
        forms.append(Form(_ascii(text).replace("aa", "a"), "å as a"))
    elif _AA.search(text):
        forms.append(Form(_AA.sub(r"\1Å", text), "aa as å"))
    swapped = _CK.sub(lambda m: "K" if m.group(1) == "C" else "C", text)
    if swapped != text and len(words) <= 2 and words[0][:1] in "CK" and not forms:
        forms.append(Form(swapped, "older English c/k"))
    return forms


@functools.cache
def _given_names() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for line in (DATA / "given_names.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        forms = [f.strip() for f in line.split("|") if f.strip()]
        for form in forms:
            table[_keyed(form)] = forms
    return table


def given_name(word: str) -> bool:
    """True when ``word`` is a given name of :func:`_given_names`'s table."""
    return _keyed(word) in _given_names()


#: Ranks and titles: the full form and the abbreviations documents use.
TITLES = [
    ["Lieutenant", "Lieut.", "Lt."], ["General", "Gen."], ["Admiral", "Adm."],
    ["Captain", "Capt."], ["Colonel", "Col."], ["Honorable", "Hon.", "Honourable"],
    ["Major", "Maj."], ["Commander", "Comdr.", "Cmdr."], ["Sergeant", "Sgt."],
    ["Governor", "Gov."], ["Professor", "Prof."], ["Reverend", "Rev."],
    ["Senator", "Sen."], ["Secretary", "Secy."], ["Brigadier", "Brig."],
    ["Doctor", "Dr."], ["Lieutenant Colonel", "Lieut. Col.", "Lt. Col."],
]  # fmt: skip


@functools.cache
def _title_key(title: str) -> str:
    return _keyed(title)


def given_and_titles(words: list[str]) -> list[Form]:
    """A title or given name before a surname in its other forms ("Gen. Wood": "General
    Wood"; "Wilhelm Solf": "William Solf")."""
    if len(words) < 2:
        return []
    forms = []
    first, first_two = _keyed(words[0]), _keyed(" ".join(words[:2]))
    for title in TITLES:
        for typed in title:
            n = len(typed.split())
            if len(words) > n and (first, first_two)[n - 1] == _title_key(typed):
                rest = " ".join(words[n:])
                forms += [Form(f"{other} {rest}", "title") for other in title if other != typed]
    names = _given_names().get(_keyed(words[0]), [])
    forms += [
        Form(" ".join([name, *words[1:]]), "given name in another language")
        for name in names
        if _keyed(name) != _keyed(words[0])
    ]
    return forms


def generate(words: list[str], limit: int = MAX_FORMS) -> list[Form]:
    """The other spellings of the name typed as ``words``, at most ``limit``, best first;
    none equal to the typed form once case, accents and punctuation are ignored."""
    return list(_generate(tuple(w for w in words if w.strip()), limit))


@functools.lru_cache(maxsize=20_000)
def _generate(words_typed: tuple[str, ...], limit: int) -> tuple[Form, ...]:
    words = list(words_typed)
    if not words or not any(re.search(r"\w", w) for w in words):
        return ()
    typed = _token_key(" ".join(words))
    found: list[Form] = []
    for rule in (chinese, russian, letters, given_and_titles):
        found += rule(words)
    places = [Form(text, scheme) for text, scheme in gazetteer.forms(words)]
    seen: set[str] = {typed}
    kept, other_names = _new_forms(found, seen), _new_forms(places, seen)
    # a town's other names share the budget: at most GAZETTEER_SHARE crowd out spellings
    kept = kept[: max(limit - len(other_names), limit - GAZETTEER_SHARE)]
    return tuple((kept + other_names)[:limit])


def _new_forms(forms: list[Form], seen: set[str]) -> list[Form]:
    kept = []
    for form in forms:
        key = _token_key(form.text)
        if key and key not in seen:
            seen.add(key)
            kept.append(form)
    return kept


def _token_key(text: str) -> str:
    """The words an engine sees (accents folded, apostrophes and hyphens separate)."""
    return " ".join(re.findall(r"\w+", _ascii(text).lower()))
