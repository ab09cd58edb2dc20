"""Names of people, organisations and places: the forms records are matched and sorted by.

One set of rules, used by the importers' reconciliation (chancery/ingest/reconcile.py),
the models' sort keys and the admin's merge: a name is *folded* (no accents, case or
punctuation; hyphens are spaces, so "Wu Ting-fang" is "wu ting fang"), *stripped* of the
titles and honorifics a mention carries ("Mr.", "Baron", "Prince", "the Earl of") and
*ordered* surname first for sorting ("Hay, John" and "John Hay" sort as "hay john").
"""

from __future__ import annotations

import re
import unicodedata


def words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Titles, ranks and honorifics before a name: dropped for matching, kept as variants.
TITLES = words_of(
    """mr mrs miss messrs dr doctor hon honorable honourable the sir señor senor senhor
    monsieur m mme madame mlle herr frau signor signore don dom dona doña lord lady earl
    count countess baron baroness prince princess duke duc duchess marquis marquess viscount
    general gen admiral adm colonel col captain capt major lieutenant lt commander commodore
    president vice secretary minister ambassador consul senator governor judge justice
    professor prof rev reverend father bishop archbishop cardinal king queen emperor
    empress his her excellency highness majesty imperial royal chevalier de of comte conde
    graf le la"""
)
#: Words after a name that are not part of it.
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "esq"})
#: Particles that belong with the surname when sorting ("de Gramont" sorts under G).
PARTICLES = frozenset({"de", "du", "des", "la", "le", "von", "van", "der", "den", "da", "di"})


def fold(name: str) -> str:
    """Case, accents, punctuation and hyphens gone, spaces collapsed: 'Wu Ting-fang' ->
    'wu ting fang', 'Bogotà' -> 'bogota', 'Beneš, Eduard' -> 'benes eduard'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("ß", "ss").replace("’", "'")
    text = re.sub(r"'", "", text)  # "K'ang" is "kang"
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def compact(name: str) -> str:
    """The folded form without spaces: 'Tien-tsin' and 'Tientsin' are both 'tientsin'."""
    return fold(name).replace(" ", "")


def strip_titles(name: str) -> str:
    """The folded name without leading titles or trailing suffixes: 'Mr. E. B. Washburne'
    -> 'e b washburne', 'the Earl of Clarendon' -> 'clarendon'; '' if nothing is left."""
    words = fold(name).split()
    while words and words[0] in TITLES:
        words.pop(0)
    while words and words[-1] in SUFFIXES:
        words.pop()
    return " ".join(words)


def natural_order(name: str) -> str:
    """'House, Colonel Edward M.' -> 'Colonel Edward M. House'; '' when not inverted."""
    if name.count(",") != 1:
        return ""
    surname, forenames = (p.strip() for p in name.split(","))
    return f"{forenames} {surname}" if forenames and surname else ""


def person_key(name: str) -> str:
    """The matching key of a person's name: natural order, titles stripped, folded.
    'Hay, John' and 'Mr. John Hay' are both 'john hay'; 'Baron Gerolt' is 'gerolt'."""
    return strip_titles(natural_order(name) or name)


def surname(name: str) -> str:
    """The folded surname: 'Hay, John' -> 'hay', 'Mr. E. B. Washburne' -> 'washburne'."""
    if name.count(",") == 1:
        return strip_titles(name.split(",")[0])
    words = person_key(name).split()
    return words[-1] if words else ""


def is_bare_surname(name: str) -> bool:
    """'Hay', 'Mr. Hay', 'Baron Gerolt': one word once titles are gone."""
    return len(person_key(name).split()) == 1


#: Chinese, Korean and Vietnamese names written surname first: 'Li Hung-chang', 'Wu Ting-fang'.
_SURNAME_FIRST = re.compile(r"^[A-Z][a-z']{0,5} [A-Z][a-z']+-[a-z']+$")


def sort_key(name: str, kind: str = "person") -> str:
    """Surname first, case- and accent-insensitive: 'Wilson, Woodrow' and 'Woodrow Wilson'
    -> 'wilson woodrow'; 'Duc de Gramont' -> 'gramont'; 'Li Hung-chang' stays
    'li hung chang'; an organisation or place sorts by its name without a leading
    'The'."""
    if kind != "person":
        folded = fold(name)
        return folded[4:] if folded.startswith("the ") else folded
    if name.count(",") == 1:
        head, rest = (p.strip() for p in name.split(","))
        return " ".join(f"{strip_titles(head)} {strip_titles(rest)}".split())
    if _SURNAME_FIRST.match(name.strip()):
        return fold(name)
    words = strip_titles(name.replace("-", "")).split()  # "Gould-Adams" is one surname
    if not words:
        return fold(name)
    last = len(words) - 1
    start = last
    while start > 0 and words[start - 1] in PARTICLES:
        start -= 1
    return " ".join(words[last:] + words[:start] + words[start:last])


def script_of(name: str) -> str:
    """The ISO 15924 code of the script a name is written in ('Latn', 'Hani', 'Cyrl' …)."""
    counts: dict[str, int] = {}
    for char in name:
        if not char.isalpha():
            continue
        label = unicodedata.name(char, "")
        for prefix, code in _SCRIPTS:
            if label.startswith(prefix):
                counts[code] = counts.get(code, 0) + 1
                break
    return max(counts, key=counts.__getitem__) if counts else ""


_SCRIPTS = [
    ("LATIN", "Latn"), ("CJK", "Hani"), ("CYRILLIC", "Cyrl"), ("GREEK", "Grek"),
    ("ARABIC", "Arab"), ("HEBREW", "Hebr"), ("HIRAGANA", "Hira"), ("KATAKANA", "Kana"),
    ("HANGUL", "Hang"), ("DEVANAGARI", "Deva"), ("THAI", "Thai"), ("ARMENIAN", "Armn"),
    ("GEORGIAN", "Geor"),
]  # fmt: skip
