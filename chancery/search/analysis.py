"""Text analysis shared by indexing, querying and highlighting, for every script.

SQLite's FTS5 tokenizer (``porter unicode61 remove_diacritics 2``) already folds case and
diacritics and stems English. What it cannot do is done here, in Python, on the way in
(indexing) and on the way to the engine (query terms), so both sides agree:

- Cyrillic words are reduced to their Russian Snowball stem (PyStemmer), after ё → е, so
  "Хрущёва" and "Хрущев" meet;
- Chinese and Japanese runs (no spaces between words) become overlapping character bigrams,
  so "毛泽东" is the phrase "毛泽 泽东" and any two-character word inside a text is found;
- Latin-script text passes through unchanged (the engine stems and folds it).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_CHARS}]")
_NON_LATIN = re.compile(f"[\u0400-\u04ff{_CJK_CHARS}]")
CJK_RUN = re.compile(f"[{_CJK_CHARS}]+")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]\w*")
WORD = re.compile(r"\w+", re.UNICODE)

_russian = Stemmer.Stemmer("russian")
_english = Stemmer.Stemmer("porter")


class _Fold(dict):
    """``str.translate`` table: each character to its lower-case base letter (1:1)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if 0xAC00 <= code <= 0xD7A3:  # a Hangul syllable is a letter, not letter + marks
            self[code] = char
            return char
        base = unicodedata.normalize("NFKD", char)[:1] or char
        if unicodedata.combining(base):
            base = char
        folded = base.lower()
        folded = folded if len(folded) == 1 else char.lower()[:1] or char
        if folded == "ё":
            folded = "е"
        self[code] = folded
        return folded


_FOLD = _Fold()


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one (offsets are kept)."""
    if "\u0130" in text:  # the one letter whose lower case is two characters
        return text.translate(_FOLD)
    if text.isascii():
        return text.lower()
    # In UTF-8 the ASCII letters are lowered in bulk (str.lower walks every character of a
    # text holding any other); the other characters, few and seldom different, one each.
    # (A capital sigma's lower case depends on its place in the word: it goes the slow way.)
    if "\u03a3" in text:
        return _fold_slowly(text)
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return _fold_slowly(text)
    low = data.lower()
    for char in set(low.translate(None, _ASCII).decode()):
        folded = _FOLD_OTHER[char]
        if folded:
            if _FOLD_OTHER[folded]:  # a replacement replaced again: not 1 for 1
                return _fold_slowly(text)
            low = low.replace(char.encode(), folded.encode())
    return low.decode()


_ASCII = bytes(range(128))


class _Other(dict):
    """{character: its fold, or "" when that is the character itself} (1 for 1)."""

    def __missing__(self, char: str) -> str:
        low = char.lower()
        folded = _FOLD[ord(low)] if ord(low) > 127 else low
        self[char] = "" if folded == char else folded
        return self[char]


_FOLD_OTHER = _Other()


def _fold_slowly(text: str) -> str:
    low = text.lower()
    special = "".join(c for c in set(low) if ord(c) > 127 and _FOLD[ord(c)] != c)
    if not special:
        return low
    return re.sub(f"[{re.escape(special)}]", lambda m: _FOLD[ord(m.group())], low)


def fold_key(text: str) -> str:
    """The key names are compared by: folded, punctuation and spacing normalised."""
    return " ".join(WORD.findall(fold(text).replace("'", "").replace("’", "")))


@functools.lru_cache(maxsize=50_000)
def stem_cyrillic(word: str) -> str:
    return _russian.stemWord(word.lower().replace("ё", "е"))


@functools.lru_cache(maxsize=50_000)
def word_key(word: str) -> str:
    """What a single word is matched by: folded and stemmed in its own script."""
    folded = fold(word)
    if _CYRILLIC.search(folded):
        return _russian.stemWord(folded)
    return _english.stemWord(folded)


def bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _cjk_sub(match: re.Match) -> str:
    return " " + " ".join(bigrams(match.group(0))) + " "


def _cyrillic_sub(match: re.Match) -> str:
    return stem_cyrillic(match.group(0))


def analyse(text: str) -> str:
    """Text as the index stores it (Latin text comes back unchanged)."""
    if not text or not _NON_LATIN.search(text):
        return text
    if _CYRILLIC.search(text):
        text = _CYRILLIC_WORD.sub(_cyrillic_sub, text)
    if _CJK.search(text):
        text = CJK_RUN.sub(_cjk_sub, text)
    return text


def query_tokens(text: str, *, prefix: bool = False) -> list[str]:
    """The engine tokens for one query word or phrase (a list: CJK gives several)."""
    tokens: list[str] = []
    for word in WORD.findall(text):
        if _CJK.search(word):
            for part in re.split(f"([{_CJK_CHARS}]+)", word):
                if not part:
                    continue
                tokens.extend(bigrams(part) if _CJK.match(part) else [part])
        elif _CYRILLIC.search(word) and not prefix:
            tokens.append(stem_cyrillic(word))
        else:
            tokens.append(word.lower().replace("ё", "е") if prefix else word)
    return tokens


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def cyrillic_prefix(stem: str) -> bool:
    """Whether a Cyrillic stem is long enough to also match words it begins."""
    return len(stem) >= 4 and bool(_CYRILLIC.search(stem))


#: Words that add nothing to a score when other words carry it (and that PostgreSQL's
#: English configuration does not index at all). FTS5 computes a word's rarity over whole
#: documents, so "of" weighs nothing there; Tantivy computes it per field, and "of" in a few
#: titles would outweigh "Manchuria".
# fmt: off
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "which", "with",
})
# fmt: on


def only_stopwords(group) -> bool:
    """True when a word group (of query terms) is nothing but plain stopwords."""
    return all(not t.phrase and not t.prefix and t.text.lower() in STOPWORDS for t in group)
