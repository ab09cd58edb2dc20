"""Query expansion: the names a query contains widened to their other forms.

A query that names any form of a person, place or term in :class:`~.models.NameForm`
(:mod:`.variants`) also searches for its other forms ("Beijing" also finds "Peking"), and the
page says so; a name no table lists, by the spellings :mod:`.romanise` makes by rule; a
person's full name, by the surname alone when it is rare in the archive. Expansion happens
once per search, in one database query, before any engine sees the query, so every engine
gets it.
"""

from __future__ import annotations

import re
from typing import Protocol

from django.db import connections, router

from chancery.corpus.models import Agent

from . import romanise
from .analysis import fold, fold_key
from .kept import kept
from .models import NameForm
from .query import ParsedQuery, Term
from .variants import token_form

MAX_NGRAM = 4


def _expandable(group: list[Term]) -> bool:
    return len(group) == 1 and not group[0].field and not group[0].prefix


def _candidates(parsed: ParsedQuery) -> set[str]:
    keys: set[str] = set()
    run: list[str] = []
    for group in [*parsed.groups, None]:
        if group is not None and _expandable(group):
            # A phrase joins the run: "Li Hung-chang" is the groups Li + "Hung chang".
            run.append(fold_key(group[0].text))
            continue
        for i in range(len(run)):
            for n in range(1, MAX_NGRAM + 1):
                if i + n <= len(run):
                    keys.add(" ".join(run[i : i + n]))
        run = []
        if group is not None and _expandable(group):
            keys.add(fold_key(group[0].text))
    keys.discard("")
    return keys


def _recount_min_match(parsed: ParsedQuery) -> None:
    plain = [g for g in parsed.groups if not any(t.field for t in g)]
    parsed.min_match = (
        len(parsed.groups) - (len(plain) - (len(plain) // 2 + 1)) if len(plain) >= 3 else 0
    )


class Archive(Protocol):
    """What expansion asks the search engine (``SearchBackend``): how many documents hold
    a word, and how many are indexed."""

    def document_frequency(self, term: str, limit: int | None = None) -> int: ...

    def archive_size(self) -> int: ...


#: A word is rare in the archive when at most this share of its documents hold it (and
#: at least :data:`RARE_AT_LEAST` documents always count as rare): 65 of the 6,526 FRUS
#: documents. A surname that rare names few people; a word that frequent is the archive's
#: own spelling, not a name to romanise.
RARE_SHARE = 0.01
RARE_AT_LEAST = 5
SURNAME_SCHEME = "surname alone"


def _engine(archive: Archive) -> str:
    """The engine (its class) an answer kept in :mod:`.kept` came from."""
    return type(archive).__qualname__


class _Rarity:
    """The engine's document frequencies, asked once each (None: no engine to ask)."""

    def __init__(self, archive: Archive | None):
        self.archive = archive
        self.found: dict[str, int] = {}
        self._size: int | None = None

    def frequency(self, word: str) -> int:
        if self.archive is None:
            return 0
        if word not in self.found:
            archive = self.archive
            self.found[word] = kept(
                ("frequency", _engine(archive), word), lambda: archive.document_frequency(word)
            )
        return self.found[word]

    def limit(self) -> float:
        if self._size is None:
            archive = self.archive
            self._size = (
                kept(("archive size", _engine(archive)), archive.archive_size)
                if archive is not None
                else 0
            )
        return max(RARE_AT_LEAST, RARE_SHARE * self._size)

    def common(self, word: str) -> bool:
        return self.archive is not None and self.frequency(word) > self.limit()

    def rare(self, word: str) -> bool:
        return self.archive is not None and 0 < self.frequency(word) <= self.limit()


def _name_forms(keys: set[str]) -> tuple[dict[str, list[tuple[str, str]]], dict[str, set[str]]]:
    """({group: [(name, key)]}, {key: groups}) of the variants table's groups holding any
    of ``keys`` (one statement, as the ORM would write it, written once: compiling it cost
    more than running it)."""
    alias = router.db_for_read(NameForm)
    connection = connections[alias]
    q = connection.ops.quote_name
    table, group, key = q(NameForm._meta.db_table), q("group"), q("key")
    sql = (
        f"SELECT {group}, {q('name')}, {key} FROM {table} WHERE {group} IN "  # noqa: S608
        f"(SELECT {group} FROM {table} WHERE {key} IN ({', '.join(['%s'] * len(keys))})) "
        f"ORDER BY {group}, {q('id')}"
    )  # the names are the model's, quoted; the keys are parameters
    forms: dict[str, list[tuple[str, str]]] = {}
    by_key: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, sorted(keys))
        for group_id, name, name_key in cursor.fetchall():
            forms.setdefault(group_id, []).append((name, name_key))
            by_key.setdefault(name_key, set()).add(group_id)
    return forms, by_key


def expand(parsed: ParsedQuery, archive: Archive | None = None) -> ParsedQuery:
    """``parsed`` with every name it contains widened to that name's other forms (and,
    given the ``archive`` to ask for document frequencies, a person's rare surname alone
    and single pinyin words without a sign of pinyin)."""
    rarity = _Rarity(archive)
    keys = _candidates(parsed)
    if not keys:
        return _with_generated(parsed, parsed.groups, list(parsed.expansions), rarity)
    forms, by_key = kept(("name forms", frozenset(keys)), lambda: _name_forms(keys))
    if not by_key:
        return _with_generated(parsed, parsed.groups, list(parsed.expansions), rarity)

    def alternatives(key: str, typed: str) -> list[str]:
        seen, names = {token_form(typed)}, []
        for group in sorted(by_key.get(key, ())):
            for name, _other in forms[group]:
                if token_form(name) not in seen:
                    seen.add(token_form(name))
                    names.append(name)
        return names

    new_groups: list[list[Term]] = []
    expansions = list(parsed.expansions)
    groups = parsed.groups
    i = 0
    while i < len(groups):
        group = groups[i]
        matched = 0
        if _expandable(group):
            for n in range(MAX_NGRAM, 0, -1):
                span = groups[i : i + n]
                if len(span) == n and all(_expandable(g) for g in span):
                    key = " ".join(fold_key(g[0].text) for g in span)
                    if key in by_key:
                        matched = n
                        break
        if not matched:
            new_groups.append(group)
            i += 1
            continue
        span = groups[i : i + matched]
        typed = " ".join(g[0].text for g in span)
        key = fold_key(typed)
        others = alternatives(key, typed)
        first = Term(typed, phrase=" " in typed)
        terms = [first]
        for name in others:
            text = " ".join(re.findall(r"\w+", name))
            terms.append(Term(text, phrase=" " in text, variant=True))
        new_groups.append(terms)
        if others:
            expansions.append((typed, others))
        i += matched
    return _with_generated(parsed, new_groups, expansions, rarity)


def _with_generated(
    parsed: ParsedQuery, groups: list[list[Term]], expansions: list, rarity: _Rarity
) -> ParsedQuery:
    generated = list(parsed.generated)
    groups = _generate(groups, generated, rarity)
    groups = _surnames(groups, generated, rarity)
    result = parsed.with_groups(groups, expansions=expansions, generated=generated)
    if len(result.groups) != len(parsed.groups):
        _recount_min_match(result)
    return result


def _typed(group: list[Term]) -> str | None:
    """The typed text of a group expansion may add forms to (a plain word, a phrase, or a
    name the variants table widened), else None."""
    first = group[0]
    if first.field or first.prefix or first.variant or first.generated:
        return None
    if len(group) > 1 and not all(t.variant for t in group[1:]):
        return None  # typed alternatives (a OR b)
    return first.text


def _generate(groups: list[list[Term]], generated: list, rarity: _Rarity) -> list[list[Term]]:
    """Each name in ``groups`` widened by the spellings :mod:`.romanise` makes by rule:
    the longest run of up to ``MAX_NGRAM`` typed groups that makes any, as one group."""
    out: list[list[Term]] = []
    i = 0
    while i < len(groups):
        taken = 0
        for n in range(min(MAX_NGRAM, len(groups) - i), 0, -1):
            span = groups[i : i + n]
            texts = [_typed(g) for g in span]
            if any(t is None for t in texts):
                continue
            if n > 1 and any(len(g) > 1 for g in span):
                continue  # a name the table widened is not joined to its neighbours
            words = [w for t in texts for w in (t or "").split()]
            if (
                n == 1
                and len(words) == 1
                and romanise.signless_pinyin(words[0])
                and rarity.common(words[0])
            ):
                continue  # a word the archive uses often is its own spelling
            forms = romanise.generate(words)
            if not forms:
                continue
            typed = " ".join(words)
            base = span[0] if n == 1 else [Term(typed, phrase=" " in typed)]
            seen = {token_form(t.text) for t in base}
            extra, shown = [], []
            for form in forms:
                text = " ".join(re.findall(r"\w+", form.text))
                if text and token_form(text) not in seen:
                    seen.add(token_form(text))
                    extra.append(Term(text, phrase=" " in text, variant=True, scheme=form.scheme))
                    shown.append((form.text, form.scheme))
            if not extra:
                continue
            out.append([*base, *extra])
            generated.append((typed, shown))
            taken = n
            break
        if not taken:
            out.append(groups[i])
            taken = 1
        i += taken
    return out


# --- a person's surname alone -----------------------------------------------------------

_NAME_WORD = re.compile(r"[^\W\d_][\w'’]*\.?")


def _person_like(words: list[str]) -> bool:
    """Given names and a surname: two to four capitalised words (initials allowed), not
    all Chinese syllables (a Chinese name puts the surname first), the first a given name
    in :mod:`.romanise`'s table, a word no English dictionary holds ("Porfirio"), or the
    given name of a person recorded with that surname."""
    if not 2 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(w) for w in words):
        return False
    if not all(w[0].isupper() for w in words) or len(words[-1].rstrip(".")) < 2:
        return False
    if all(romanise.segment(w, romanise.PINYIN) or romanise.segment(w, romanise.WADE_GILES)
           for w in words):  # fmt: skip
        return False
    first = fold(words[0]).rstrip(".")
    if romanise.given_name(words[0]) or not romanise.is_english(first):
        return True
    surname = re.escape(fold(words[-1]))
    pattern = rf"(^|\W){surname}(\W|$)"
    return (
        Agent.objects.filter(kind="person", name__iregex=pattern)
        .filter(name__iregex=rf"(^|\W){re.escape(words[0].rstrip('.'))}")
        .exists()
    )


def _surnames(groups: list[list[Term]], generated: list, rarity: _Rarity) -> list[list[Term]]:
    """A person's full name typed ("Porfirio Díaz") also finds the documents that name
    only the surname ("President Diaz") when the surname is rare in the archive: the name
    becomes one group, the surname alone its generated alternative (ranked below every
    document with the name, ``ranking.GENERATED_WEIGHT``). Only with an engine to ask."""
    if rarity.archive is None:
        return groups
    out: list[list[Term]] = []
    i = 0
    while i < len(groups):
        group = groups[i]
        # A name already joined into one group (by the table or a rule), or a run of
        # single typed words.
        span, words = 1, []
        typed = _typed(group)
        if typed and " " in typed:
            words = typed.split()
        else:
            for n in range(min(4, len(groups) - i), 1, -1):
                run = groups[i : i + n]
                if all(len(g) == 1 and _typed(g) and " " not in g[0].text for g in run):
                    span, words = n, [g[0].text for g in run]
                    break
        surname = words[-1] if words else ""
        if not words or not _person_like(words) or not rarity.rare(surname):
            out.append(group)
            i += 1
            continue
        name = " ".join(words)
        base = group if span == 1 else [Term(name, phrase=True)]
        if any(token_form(t.text) == token_form(surname) for t in base):
            out.append(group)
            i += 1
            continue
        out.append([*base, Term(surname, variant=True, scheme=SURNAME_SCHEME)])
        generated.append((name, [(surname, SURNAME_SCHEME)]))
        i += span
    return out
