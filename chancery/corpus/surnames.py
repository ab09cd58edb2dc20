"""Bare surnames ("Root", "Admiral Beatty") linked to the one person they can only be.

Reconciliation leaves a surname alone as a record of its own and puts it on the review
list when a full name shares it (chancery/ingest/reconcile.py). This rule links it where
the documents leave no doubt, and nowhere else:

- every document naming the surname is in one volume (the top of its collection tree);
- in that volume, one person only of that surname is named in full (so "Seward" in 1861,
  where William H. and F. W. Seward both appear, is not linked: one of them is a
  relative the documents do not tell apart);
- at least one document names both the surname and that person in full ("Mr. Root …"
  and a footnote "Elihu Root"), and no document naming the surname names another person
  of that surname in full.

Linking merges the surname's record into the full one (chancery/corpus/authority.py):
its documents move, its address redirects, its review entries close; the surname alone
does not become a variant of the full name (person:"Root, Elihu" must not find every
Root). A pair an editor marked *Kept apart* on the review list (:class:`.models.AgentReview`,
either way round) is neither proposed nor merged. On the twelve FRUS volumes it links 62 of
903 bare surnames (bench/README.md); the rest stay on the review list.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from . import authority, models
from .authorities import AUTHORITY_KINDS
from .names import is_bare_surname, person_key, surname


def candidates() -> list[tuple[models.Agent, models.Agent]]:
    """(bare surname, the full name it is) for every surname the rule links."""
    people = {a.pk: a for a in models.Agent.objects.filter(kind=models.Agent.PERSON)}
    bare = {pk for pk, a in people.items() if is_bare_surname(a.name)}
    if not bare:
        return []
    roots = {
        pk: path.strip("/").split("/")[0]
        for pk, path in models.Collection.objects.values_list("pk", "path")
    }
    volume: dict[int, str] = {}
    for doc, collection in models.Membership.objects.values_list("document_id", "collection_id"):
        volume.setdefault(doc, roots.get(collection, ""))
    named: dict[int, set[int]] = defaultdict(set)  # document -> people
    for relation in AUTHORITY_KINDS["person"].relations:
        through = getattr(models.Document, relation).through
        for doc, agent in through.objects.values_list("document_id", "agent_id"):
            if agent in people:
                named[doc].add(agent)
    surname_of = {pk: surname(a.name) for pk, a in people.items() if pk not in bare}
    full_in_volume: dict[tuple[str, str], set[int]] = defaultdict(set)
    docs_of: dict[int, list[int]] = defaultdict(list)
    for doc, agents in named.items():
        for agent in agents:
            if agent in bare:
                docs_of[agent].append(doc)
            else:
                full_in_volume[(volume.get(doc, ""), surname_of[agent])].add(agent)
    apart = kept_apart()
    found = []
    for pk in sorted(bare):
        key, docs = person_key(people[pk].name), docs_of.get(pk, [])
        volumes = {volume.get(d, "") for d in docs}
        if len(volumes) != 1 or "" in volumes:
            continue
        full = full_in_volume.get((volumes.pop(), key), set())
        if len(full) != 1:
            continue
        together = [{a for a in named[d] if surname_of.get(a) == key} for d in docs]
        if any(len(s) > 1 for s in together) or not any(together):
            continue
        pair = (people[pk], people[next(iter(full))])
        if frozenset((pair[0].pk, pair[1].pk)) not in apart:
            found.append(pair)
    return found


def kept_apart() -> set[frozenset[int]]:
    """The pairs of people an editor kept apart on the review list (either way round)."""
    rows = models.AgentReview.objects.filter(status=models.AgentReview.REJECTED)
    return {frozenset(pair) for pair in rows.values_list("record_id", "candidate_id")}


@transaction.atomic
def link(pairs: list[tuple[models.Agent, models.Agent]]) -> int:
    """Merge each bare surname into its full name; returns the records merged. A pair an
    editor kept apart is never merged, whoever proposes it."""
    apart = kept_apart()
    pairs = [(bare, full) for bare, full in pairs if frozenset((bare.pk, full.pk)) not in apart]
    for bare, full in pairs:
        authority.merge(full, [bare])
        models.AgentVariant.objects.filter(agent=full, name=bare.name).delete()
    if pairs:
        from chancery.search.variants import sync_agents

        sync_agents([full.pk for _bare, full in pairs])
    return len(pairs)
