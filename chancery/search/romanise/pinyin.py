"""Chinese names: pinyin ↔ Wade-Giles ↔ postal, syllable by syllable (:func:`chinese`).

The pinyin → Wade-Giles table (``data/wade_giles.tsv``) is ``pypinyin``'s; a name typed
separated, hyphenated or run together is segmented into syllables (:func:`segment`); a
word with no sign of pinyin counts as pinyin only when it is no English word
(:func:`signless_pinyin`, :func:`is_english`)."""

from __future__ import annotations

import functools
import re
import unicodedata

from .forms import DATA, Form

WADE_GILES = "Wade-Giles"
WADE_GILES_PLAIN = "Wade-Giles, no apostrophes"
POSTAL = "postal"
PINYIN = "pinyin"


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
