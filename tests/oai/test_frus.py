"""A new user's path: import a real FRUS volume, then harvest it over OAI-PMH with Sickle."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from sickle import Sickle

from chancery.corpus import models

from .conftest import NS, validate

VOLUME = "frus1861.xml"  # the smallest volume: enclosures, persons, collections


@pytest.mark.django_db(transaction=True)
def test_an_imported_frus_volume_harvests_completely_and_validly(frus_dir, live_server, settings):
    settings.OAI_PAGE_SIZE = 100
    call_command("import", "tei", str(Path(frus_dir) / VOLUME), "--no-progress")
    published = set(models.Document.objects.published().values_list("public_id", flat=True))
    assert len(published) > 100
    sickle = Sickle(f"{live_server.url}/oai", max_retries=0, timeout=120)

    # Every page, raw, against the protocol's rules; then the harvester's own view.
    params, pages, seen = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}, 0, []
    while True:
        root = validate(sickle.harvest(**params).raw.encode())
        pages += 1
        seen += [h.text for h in root.iterfind(".//oai:header/oai:identifier", NS)]
        token = root.findtext(".//oai:resumptionToken", namespaces=NS)
        if not token:
            break
        params = {"verb": "ListRecords", "resumptionToken": token}
    assert pages == -(-len(published) // 100)
    assert {i.split(":", 2)[2] for i in seen} == published

    records = list(sickle.ListRecords(metadataPrefix="mods"))
    assert len(records) == len(published)
    sets = {s.setSpec for s in sickle.ListSets()}
    assert sets and all(spec for spec in sets)
    for record in records[:50]:
        assert record.header.setSpecs and set(record.header.setSpecs) <= sets
