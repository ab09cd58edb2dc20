"""Harvesters learn of every public change, relations included (a real Sickle harvest)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sickle import Sickle

from chancery.corpus import models as m

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
def archive(transactional_db):
    coll = m.Collection.objects.create(title="Cold War", slug="cold-war")
    docs = []
    for n in range(4):
        doc = m.Document.objects.create(public_id=f"h/{n}", title=f"Memo {n}", status="published")
        docs.append(doc)
    m.Membership.objects.create(collection=coll, document=docs[0])
    m.Document.objects.update(updated_at=LONG_AGO)  # harvested long ago
    return docs


def changed_since(sickle) -> set[str]:
    from sickle.oaiexceptions import NoRecordsMatch

    try:
        headers = sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2021-01-01"})
        return {h.identifier.rsplit(":", 1)[-1] for h in headers}
    except NoRecordsMatch:
        return set()


def test_relation_changes_move_the_oai_datestamp(archive, live_server):
    sickle = Sickle(f"{live_server.url}/oai", max_retries=0, timeout=60)
    assert changed_since(sickle) == set()
    first, second, third, fourth = archive
    m.Membership.objects.create(collection=m.Collection.objects.get(), document=second)
    third.subjects.add(m.Subject.objects.create(name="Berlin"))
    m.Membership.objects.filter(document=first).delete()
    assert changed_since(sickle) == {"h/0", "h/1", "h/2"}
    # renaming a person changes what the records naming them say
    agent = m.Agent.objects.create(name="Gromyko")
    fourth.people.add(agent)
    m.Document.objects.update(updated_at=LONG_AGO)
    agent.name = "Gromyko, Andrei"
    agent.save()
    assert changed_since(sickle) == {"h/3"}
