"""Which names become authority records, and which existing record a new name is.

Two halves, both used by every importer through :class:`~.writer.Writer`:

* **Rules** (no database): a TEI name is a person, an organisation, a place, or nothing.
  Offices ("the Secretary of State"), buildings ("Winter Palace"), months and weekdays,
  dates ("1870.)") and sentence fragments ("Baron Gerolt to Mr. Fish") become no record;
  a heading's "Ching and Li Hung-chang" is two people; "Foreign Office" is an organisation.
* **Reconciliation** (:class:`Reconciler`): a name is matched against the records already
  in the archive through its normalised forms (chancery/corpus/names.py), the variants
  each record carries, the search's name-variant table and, for places, the gazetteer
  (chancery/corpus/data/gazetteer.tsv). A certain match is the same record; a doubtful one
  (a bare surname against a full name, a one-letter slip) makes a new record and an entry
  in the review list the editors work through in the admin (approve = merge).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from chancery.corpus import models
from chancery.corpus.names import (
    compact,
    fold,
    is_bare_surname,
    person_key,
    surname,
    words_of,
)
from chancery.search.variants import read_table

GAZETTEER = Path(models.__file__).parent / "data" / "gazetteer.tsv"
COUNTRIES = GAZETTEER.with_name("countries.tsv")

_words = functools.partial(re.findall, r"[^\W\d_]+(?:['’][^\W\d_]+)?")

#: Offices and roles: a name made only of these (and places) is an office, not a person.
OFFICE_WORDS = words_of(
    """secretary secretaries undersecretary minister ministers ministre ambassador ambassadors
    consul consuls consular general envoy chargé charge affaires commandant commander
    representative representatives president king queen emperor empress pope sultan shah
    mikado czar tsar kaiser governor governors collector customs attorney agent agents
    delegate delegates delegation plenipotentiary plenipotentiaries commissioner
    commissioners chief chancellor premier viceroy taotai chairman mayor clerk"""
)
#: Bodies: a person name holding one of these is an organisation.
ORGANISATION_WORDS = words_of(
    """board department office ministry legation embassy consulate committee commission
    council bureau company bank society association government admiralty navy army senate
    congress parliament league conference corporation railway university church party
    union chamber court tribunal cabinet assembly porte gorogio yamen tsungli cossacks
    """
)
#: Parts of a building or a street: a "place" holding one of these is not a place record.
BUILDING_WORDS = words_of(
    """palace castle jail gaol prison bastile bastille street avenue road square building
    hotel headquarters vatican"""
)
#: Words that, with the office words, make up an office's designation.
FILLER = words_of(
    """the of for at to in on and a an his her their foreign affairs state war navy
    interior finance marine justice treasury general vice acting assistant first second
    third ad interim present late said new"""
)
NATIONALITIES = words_of(
    """american british english french german prussian russian austrian hungarian italian
    spanish portuguese dutch belgian swiss swedish norwegian danish turkish ottoman
    persian chinese japanese korean siamese mexican peruvian chilean chilian brazilian
    argentine colombian venezuelan bolivian ecuadorian haitian guatemalan nicaraguan
    honduran salvadoran cuban canadian greek roman papal imperial royal"""
)
PEERAGE = frozenset({"earl", "duke", "duc", "count", "baron", "marquis", "marquess",
                     "viscount", "lord", "prince", "princess", "countess", "baroness",
                     "comte", "conde", "graf", "marquês"})  # fmt: skip
MONTHS = words_of(
    """january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday"""
)
#: Common words that are no one's name when they stand alone.
COMMON = frozenset({"some", "parts", "mass", "all", "none", "other", "others", "adam"})
#: "Note from Prince Kung", "Extract of a letter from J. H. Brockmann, …": the name after.
_FROM = re.compile(r"^(?:.*\b(?:from|by))\s+(?=[A-Z])")
_SPLIT = re.compile(r"\s+(?:and|to|&)\s+|\s*;\s*")
#: U.S. states as written in datelines ("Boston, Mass.", "Tucson, Ariz.").
STATE_ABBREVIATIONS = {
    "ala": "Alabama", "ariz": "Arizona", "ark": "Arkansas", "cal": "California",
    "calif": "California", "colo": "Colorado", "conn": "Connecticut", "del": "Delaware",
    "fla": "Florida", "ga": "Georgia", "ill": "Illinois", "ind": "Indiana", "kans": "Kansas",
    "kan": "Kansas", "ky": "Kentucky", "la": "Louisiana", "me": "Maine", "md": "Maryland",
    "mass": "Massachusetts", "mich": "Michigan", "minn": "Minnesota", "miss": "Mississippi",
    "mo": "Missouri", "mont": "Montana", "nebr": "Nebraska", "nev": "Nevada",
    "n h": "New Hampshire", "n j": "New Jersey", "n mex": "New Mexico", "n y": "New York",
    "n c": "North Carolina", "n dak": "North Dakota", "okla": "Oklahoma", "oreg": "Oregon",
    "pa": "Pennsylvania", "penn": "Pennsylvania", "r i": "Rhode Island",
    "s c": "South Carolina", "s dak": "South Dakota", "tenn": "Tennessee", "tex": "Texas",
    "vt": "Vermont", "va": "Virginia", "wash": "Washington State", "w va": "West Virginia",
    "wis": "Wisconsin", "wyo": "Wyoming", "d c": "Washington",
}  # fmt: skip


def _significant(name: str) -> list[str]:
    """The words of a designation that are not office, filler or nationality words."""
    return [
        w for w in _words(name)
        if w.casefold() not in OFFICE_WORDS | FILLER | NATIONALITIES | MONTHS
        and not (w.casefold().endswith("s") and w.casefold()[:-1] in OFFICE_WORDS)
    ]  # fmt: skip


def person_parts(text: str) -> list[str]:
    """The names a person mention holds: 'Ching and Li Hung-chang' -> both; 'Baron Gerolt
    to Mr. Fish' -> both; 'Note from Prince Kung' -> 'Prince Kung'."""
    text = " ".join(text.split()).strip(" ,.;:()[]")
    text = _FROM.sub("", text)
    text = re.sub(r"^(?:Messrs|Mm)\.?,?\s+", "", text)
    parts = []
    for part in _SPLIT.split(text):
        part = part.strip(" ,.;:()[]")
        inverted = re.fullmatch(r"([^,]+),\s*(Earl|Duke|Lord|Marquis|Viscount) of", part)
        if inverted:  # "Derby, Earl of" is one name
            parts.append(part)
            continue
        if part.count(",") >= 1 and not re.search(r",\s*(?:Jr|Sr|[IVX]+)\b", part):
            head, rest = (p.strip() for p in part.split(",", 1))
            # "Hecht, Held" are two names; "Hay, John" one; "J. H. Brockmann, consul …" one
            two = rest[:1].isupper() and len(rest.split()) == len(head.split()) == 1
            if two and (text.count(",") > 1 or " and " in text):
                parts += [head, rest]
                continue
            if fold(rest) in known_people():  # "Ching, Li Hung Chang": two known names
                parts += [head, rest]
                continue
            if rest and rest[:1].islower():
                part = head
        if part:
            parts.append(part)
    return parts


@functools.cache
def known_people() -> frozenset[str]:
    """Folded person names of the shipped name-variant table (a file: no database)."""
    return frozenset(
        fold(form)
        for kind, forms, _notes in read_table()
        if kind == "person"
        for form in forms
        if len(form.split()) > 1
    )


def classify_person(name: str) -> str:
    """'person', 'organisation' or '' (no record) for one name from :func:`person_parts`."""
    words = _words(name)
    folded = [w.casefold() for w in words]
    if not words or re.search(r"\d", name):
        return ""
    if set(folded) & ORGANISATION_WORDS and not re.match(r"(?i)(mr|mrs|dr|sir)\b", name):
        return "organisation"
    if len(words) == 1 and (folded[0] in MONTHS | COMMON | OFFICE_WORDS | FILLER):
        return ""
    if not words[0][:1].isupper() and folded[0] not in {
        "the",
        "de",
        "du",
        "von",
        "van",
        "da",
        "le",
        "la",
    }:
        return ""
    lead = folded[1] if len(folded) > 1 and folded[0] in {"the", "le", "la"} else folded[0]
    if lead in PEERAGE:
        return "person"
    if set(folded) & OFFICE_WORDS and not _significant(name):
        return ""
    if folded[0] == "the" and (set(folded) & OFFICE_WORDS):
        return ""  # "the minister of France at Washington"
    if len(words) > 6:
        return ""  # a sentence, not a name
    if not person_key(name):
        return ""
    return "person"


def is_place_shaped(name: str) -> bool:
    """A place name as datelines give one: starts with a capital, no digits, not a building,
    an office or a common word."""
    words = _words(name)
    folded = {w.casefold() for w in words}
    if not words or re.search(r"\d|[()]", name) or not name[:1].isupper():
        return False
    if folded & (ORGANISATION_WORDS | BUILDING_WORDS | OFFICE_WORDS):
        return False
    if len(words) == 1 and words[0].casefold() in MONTHS | COMMON | FILLER:
        return False
    if all(len(w) == 1 for w in words):
        return False  # initials: "A. E. F."
    return len(words) <= 5


# --- the gazetteer ---------------------------------------------------------------------


@dataclass
class GazetteerEntry:
    geonames: str
    name: str
    country: str
    latitude: str
    longitude: str
    variants: list[str] = field(default_factory=list)


@functools.cache
def gazetteer(path: Path = GAZETTEER) -> dict[str, GazetteerEntry]:
    """Compact folded form -> entry, for the preferred name and every variant."""
    entries: dict[str, GazetteerEntry] = {}
    with path.open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            if len(row) < 6:
                continue
            geonames, name, country, lat, lon, variants = row[:6]
            forms = [v.strip() for v in variants.split("|") if v.strip()]
            entry = GazetteerEntry(geonames, name, country, lat, lon, forms)
            for form in [name, *entry.variants]:
                entries.setdefault(compact(form), entry)
    return entries


@dataclass
class Country:
    iso: str
    geonames: str
    name: str


@functools.cache
def countries(path: Path = COUNTRIES) -> dict[str, Country]:
    """ISO 3166 code -> the country (its GeoNames id and name): the parents of the
    gazetteer's places."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {row[0]: Country(*row[:3]) for row in rows if len(row) >= 3}


def place_candidates(text: str) -> list[str]:
    """The names a dateline's place text may hold, best first: 'American Legation. Berlin'
    -> 'Berlin'; 'Legation of the United StatesMexico' -> 'Mexico'; 'Boston, Mass' ->
    'Boston'; 'Mass' -> 'Massachusetts'."""
    text = " ".join(text.split()).strip(" ,.;:“”\"'")
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # a lost space: "StatesMexico"
    if fold(text) in STATE_ABBREVIATIONS:
        return [STATE_ABBREVIATIONS[fold(text)]]
    pieces = [p.strip(" ,.;:“”\"'") for p in re.split(_PIECES, text)]
    pieces = [p for p in pieces if p and fold(p) not in STATE_ABBREVIATIONS]
    found = []
    table = gazetteer()
    for piece in [text, *pieces]:
        words = piece.split()
        for n in range(len(words), 0, -1):  # the longest run of words the gazetteer knows
            for start in range(0, len(words) - n + 1):
                run = " ".join(words[start : start + n])
                if start and words[start - 1].casefold() in _QUALIFYING:
                    continue  # "Legation of France": the nation a body serves, not a place
                if compact(run) in table and run not in found:
                    found.append(run)
    if found:
        return found[:1]
    return [piece for piece in [text, *pieces] if is_place_shaped(piece)][:1]


#: Where a place text is cut: commas, full stops (not "St." or an initial), "at", "near".
_PIECES = r"(?<!\bSt)(?<!\b[A-Z])[.,]\s*|\s+(?:at|à|near)\s+"


_QUALIFYING = frozenset({"of", "the", "in", "to", "for", "de", "des", "du"})


def _is_body(text: str) -> bool:
    return bool({w.casefold() for w in _words(text)} & (ORGANISATION_WORDS | BUILDING_WORDS))


def one_edit_apart(a: str, b: str) -> bool:
    """One letter added, dropped, changed or two swapped: 'Gautemala' / 'Guatemala'."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )  # fmt: skip
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# --- reconciliation against the archive ------------------------------------------------


@dataclass
class Match:
    record: object | None  # the certain match, or None
    doubtful: list = field(default_factory=list)  # records to put in the review list with it
    reason: str = ""


class Reconciler:
    """The archive's people and places by their matching keys, loaded once per import and
    kept up to date as the import adds records."""

    def __init__(self):
        self._agents: dict[str, set[int]] | None = None
        self._bare: dict[str, set[int]] = {}  # surname -> records with a fuller name
        self._agent_surnames: dict[int, str] = {}
        self._places: dict[str, set[int]] | None = None
        self._groups: dict[str, set[str]] = {}  # compact form -> other forms (variants table)

    # -- loading -------------------------------------------------------------------------
    def _load_groups(self) -> None:
        from chancery.search.models import NameForm

        groups: dict[str, list[str]] = {}
        for group, name in NameForm.objects.filter(group__startswith="t:").values_list(
            "group", "name"
        ):
            groups.setdefault(group, []).append(name)
        for names in groups.values():
            for name in names:
                self._groups.setdefault(compact(name), set()).update(names)

    def _agent_index(self) -> dict[str, set[int]]:
        """Agents by the keys of their names and variants, read on first use."""
        if self._agents is None:
            self._agents = {}
            if not self._groups:
                self._load_groups()
            for pk, name, kind in models.Agent.objects.values_list("pk", "name", "kind"):
                self.add_agent(pk, name, kind)
            for pk, name in models.AgentVariant.objects.values_list("agent_id", "name"):
                self._index_agent_form(self._agents, pk, name)
        return self._agents

    def _place_index(self) -> dict[str, set[int]]:
        """Places by the compact forms of their names and variants, read on first use."""
        if self._places is None:
            self._places = {}
            if not self._groups:
                self._load_groups()
            for pk, name in models.Place.objects.values_list("pk", "name"):
                self.add_place(pk, [name])
            for pk, name in models.PlaceVariant.objects.values_list("place_id", "name"):
                self.add_place(pk, [name])
        return self._places

    # -- people --------------------------------------------------------------------------
    @staticmethod
    def agent_keys(name: str) -> set[str]:
        key = person_key(name)
        return {k for k in (key, key.replace(" ", "")) if k}

    def _index_agent_form(self, agents: dict[str, set[int]], pk: int, name: str) -> None:
        for key in self.agent_keys(name):
            agents.setdefault(key, set()).add(pk)
        if not is_bare_surname(name) and surname(name):
            self._bare.setdefault(surname(name), set()).add(pk)

    def add_agent(self, pk: int, name: str, kind: str = models.Agent.PERSON, variants=()) -> None:
        if self._agents is None:
            return  # not read yet: it will be, with this one
        for form in [name, *variants]:
            self._index_agent_form(self._agents, pk, form)

    def _agents_by_forms(self, name: str) -> set[int]:
        found: set[int] = set()
        forms = {name} | self._groups.get(compact(person_key(name)), set())
        agents = self._agent_index()
        for form in forms:
            for key in self.agent_keys(form):
                found |= agents.get(key, set())
        return found

    def match_agent(self, name: str, variants=(), kind: str = models.Agent.PERSON) -> Match:
        """The existing record ``name`` certainly is (a full name, or a bare surname only
        ever seen bare), or records it may be (a bare surname against full names)."""
        agents = self._agent_index()
        if kind != models.Agent.PERSON:
            found = agents.get(compact(name).casefold(), set()) | self._agents_by_forms(name)
            return Match(min(found) if found else None)
        found = self._agents_by_forms(name)
        for variant in variants:
            if not is_bare_surname(variant):
                found |= self._agents_by_forms(variant)
        if is_bare_surname(name):
            fuller = self._bare.get(person_key(name), set())
            same = found - fuller
            if same:
                return Match(min(same), sorted(fuller)[:3], "same surname as a full name")
            return Match(None, sorted(fuller)[:3], "a bare surname")
        if found:
            return Match(min(found))
        bare = set(agents.get(surname(name), set()))
        return Match(None, sorted(bare)[:3], "a full name with that surname")

    # -- places --------------------------------------------------------------------------
    def add_place(self, pk: int, names) -> None:
        if self._places is None:
            return  # not read yet: it will be, with this one
        for name in names:
            for key in {compact(name)} | {compact(n) for n in self._groups.get(compact(name), ())}:
                if key:
                    self._places.setdefault(key, set()).add(pk)

    def match_place(self, name: str, geonames: str = "") -> Match:
        places = self._place_index()
        if geonames:
            same = list(models.Place.objects.filter(geonames=geonames).values_list("pk", flat=True))
            if same:
                return Match(min(same))
        found: set[int] = set()
        for key in {compact(name)} | {compact(n) for n in self._groups.get(compact(name), ())}:
            found |= places.get(key, set())
        if found:
            return Match(min(found))
        key = compact(name)
        near = {
            pk for other, pks in places.items()
            if len(key) >= 5 and one_edit_apart(key, other) for pk in pks
        }  # fmt: skip
        return Match(None, sorted(near)[:3], "one letter from another place's name")
