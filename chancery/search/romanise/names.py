"""Letters, given names and titles: German ä/ö/ü ↔ ae/oe/ue, Scandinavian å/ø/æ ↔
aa/oe/ae, older English c ↔ k (:func:`letters`); given names across languages
(``data/given_names.tsv``) and ranks and titles (:data:`TITLES`) before a surname
(:func:`given_and_titles`)."""

from __future__ import annotations

import functools
import re

from .forms import DATA, Form, _ascii, _keyed

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
