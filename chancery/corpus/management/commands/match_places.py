"""Give place records coordinates, a GeoNames id and their country from the GeoNames
gazetteer shipped with Chancery (chancery/corpus/data/geonames_places.tsv).

    chancery manage match_places [--dry-run]

A record is matched by its name, else by one of its variants: a town's own name that no
other town of even a fifth of its people bears, or another name (a historical or foreign
form) of one town only; a country by its name. The data holds no ordinary English word
("Reading", "Mass", "Palace": see scripts/build_place_names.py), so such a record stays
unmatched. What a record already has (coordinates, an id, a parent) is kept; two records
that would get the same id are both left as they are and listed: they may be one place
(merge them in the admin). The place is put in its country's record (made if missing).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from chancery.corpus import models
from chancery.search import gazetteer
from chancery.search.analysis import fold_key

SOURCE = "GeoNames (chancery/corpus/data/geonames_places.tsv, CC BY 4.0)"


def _country_named(name: str) -> gazetteer.GeoPlace | None:
    key = fold_key(name)
    return next((c for c in gazetteer.countries().values() if fold_key(c.name) == key), None)


def identify(place: models.Place) -> gazetteer.GeoPlace | None:
    """The GeoNames town or country a place record is, or None."""
    names = [place.name, *(v.name for v in place.variants.all())]
    for name in names:
        found = _country_named(name) or gazetteer.match(name)
        if found is not None:
            return found
    return None


class Command(BaseCommand):
    help = "Match place records to the GeoNames gazetteer: coordinates, id and country."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            report = match_places()
            if dry_run:
                transaction.set_rollback(True)
        for line in report.lines():
            self.stdout.write(line)


class Report:
    def __init__(self):
        self.matched: list[tuple[str, str]] = []
        self.unmatched: list[str] = []
        self.clashes: list[str] = []

    def lines(self) -> list[str]:
        out = [f"{len(self.matched)} places matched, {len(self.unmatched)} not matched."]
        out += [f"  {name} = {found}" for name, found in self.matched]
        if self.clashes:
            out.append("Left as they are: records that would share a GeoNames id (merge?):")
            out += [f"  {c}" for c in self.clashes]
        if self.unmatched:
            out.append("Not in the gazetteer: " + "; ".join(sorted(self.unmatched)))
        return out


def match_places() -> Report:
    report = Report()
    places = list(models.Place.objects.prefetch_related("variants").order_by("pk"))
    identified = {p.pk: identify(p) for p in places if not p.geonames}
    found = {pk: entry for pk, entry in identified.items() if entry is not None}
    taken = {p.geonames for p in places if p.geonames}
    wanted: dict[str, list[models.Place]] = {}
    for place in places:
        if place.pk in found:
            wanted.setdefault(found[place.pk].geonames, []).append(place)
        elif not place.geonames:
            report.unmatched.append(place.name)
    countries: dict[str, models.Place | None] = {}
    for geonames, records in wanted.items():
        if len(records) > 1 or geonames in taken:
            others = models.Place.objects.filter(geonames=geonames).values_list("name", flat=True)
            report.clashes.append(" / ".join([*(r.name for r in records), *others]))
            continue
        place, entry = records[0], found[records[0].pk]
        place.geonames = entry.geonames
        if place.latitude is None and entry.latitude:
            place.latitude = gazetteer.coordinate(entry.latitude)
            place.longitude = gazetteer.coordinate(entry.longitude)
        place.sources = "\n".join(s for s in (place.sources, SOURCE) if s)
        if place.parent_id is None and not entry.is_country:
            country = _country(entry.country, countries)
            if country is not None and country.pk != place.pk:
                place.parent = country
        place.save()
        taken.add(geonames)
        label = "country" if entry.is_country else f"{entry.name}, {entry.country}"
        report.matched.append((place.name, f"{label} (GeoNames {entry.geonames})"))
    return report


def _country(iso: str, made: dict) -> models.Place | None:
    """The record of a country: by GeoNames id, else by name (given the id), else made."""
    if iso in made:
        return made[iso]
    country = gazetteer.countries().get(iso)
    record = None
    if country is not None:
        record = models.Place.objects.filter(geonames=country.geonames).first()
        if record is None:
            record = models.Place.objects.filter(name__iexact=country.name).first()
            if record is not None and not record.geonames:
                record.geonames = country.geonames
                record.sources = "\n".join(s for s in (record.sources, SOURCE) if s)
                record.save()
            elif record is None:
                record = models.Place.objects.create(
                    name=country.name, geonames=country.geonames, sources=SOURCE
                )
    made[iso] = record
    return record
