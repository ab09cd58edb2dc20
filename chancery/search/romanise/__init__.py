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

The package: :mod:`.pinyin` (Chinese), :mod:`.cyrillic` (Russian), :mod:`.names` (letters,
given names, titles), :mod:`.forms` (what they share); here, :func:`generate` over them.
"""

from __future__ import annotations

import functools
import re

from .. import gazetteer
from .cyrillic import ENDINGS, cyrillic_candidates, russian
from .forms import DATA, Form, _ascii
from .names import TITLES, given_and_titles, given_name, letters
from .pinyin import (
    PINYIN,
    POSTAL,
    SIGNLESS_SYLLABLES,
    WADE_GILES,
    WADE_GILES_PLAIN,
    chinese,
    english_words,
    is_english,
    pinyin_syllables,
    segment,
    signless_pinyin,
    to_pinyin,
    to_wade_giles,
)

__all__ = [
    "DATA",
    "ENDINGS",
    "GAZETTEER_SHARE",
    "MAX_FORMS",
    "PINYIN",
    "POSTAL",
    "SIGNLESS_SYLLABLES",
    "TITLES",
    "WADE_GILES",
    "WADE_GILES_PLAIN",
    "Form",
    "chinese",
    "cyrillic_candidates",
    "english_words",
    "generate",
    "given_and_titles",
    "given_name",
    "is_english",
    "letters",
    "pinyin_syllables",
    "russian",
    "segment",
    "signless_pinyin",
    "to_pinyin",
    "to_wade_giles",
]

#: Forms one name may add (the cost budget: each is one more alternative in the query).
MAX_FORMS = 8
#: Of those, the places the gazetteer gives may take the room of this many spellings.
GAZETTEER_SHARE = 4


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
