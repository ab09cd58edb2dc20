"""What a search looks up in the archive is asked once until the archive changes.

Every search used to ask the database again for its words' name forms, the collection it
is scoped to and the records its filters name, and the engine again for its words'
document counts. They are kept (``chancery.search.kept``) until the next write: a search
asked again costs no lookup, and what an editor adds is searched at once.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chancery.search.analysis import fold_key
from chancery.search.backends import get_backend
from chancery.search.models import NameForm
from chancery.search.query import SearchQuery
from chancery.web import freshness
from tests.factories import DocumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture(autouse=True)
def _settled(db, monkeypatch):
    """The archive's stamp is trusted at once (no write is under way in these tests)."""
    monkeypatch.setattr(freshness, "SETTLING_NS", 0)
    if freshness.content_stamp() is None:
        pytest.skip("this database has no content stamp yet: nothing is kept (PostgreSQL)")


def _lookups(text: str) -> tuple[list[str], list[str]]:
    """(the database statements compiling the search ran, the words it searched)."""
    results = get_backend().search(SearchQuery(text=text))
    with CaptureQueriesContext(connection) as queries:
        parsed = results.compiled.parsed
    return [q["sql"] for q in queries], [t.text for group in parsed.groups for t in group]


def test_a_search_asked_again_looks_nothing_up_until_an_editor_adds_a_form():
    DocumentFactory(title="Mission to Kiakhta", public_id="kiakhta")
    DocumentFactory(title="Mission to Kyakhta", public_id="kyakhta")
    first, words = _lookups("Kiakhta")
    assert any("search_nameform" in sql for sql in first)
    assert words == ["Kiakhta"]
    again, words = _lookups("Kiakhta")
    assert not any("search_nameform" in sql for sql in again)
    assert words == ["Kiakhta"]

    # An editor records the other spelling: the next search finds both documents.
    for name in ("Kiakhta", "Kyakhta"):
        NameForm.objects.create(group="t:test-kiakhta", name=name, key=fold_key(name))
    _, words = _lookups("Kiakhta")
    assert words == ["Kiakhta", "Kyakhta"]
    results = get_backend().search(SearchQuery(text="Kiakhta"))
    assert sorted(h.document.public_id for h in results[0:10]) == ["kiakhta", "kyakhta"]


def test_a_filter_named_again_is_not_looked_up_again_until_the_archive_changes(demo):
    first, _ = _lookups("Soviet collection:cuban-missile-crisis")
    again, _ = _lookups("Soviet collection:cuban-missile-crisis")
    assert len(again) < len(first)


def _checks(params: dict) -> tuple[bool, list[str]]:
    """(whether the search form accepts ``params``, the statements validating it ran)."""
    from chancery.search.forms import SearchForm

    with CaptureQueriesContext(connection) as queries:
        valid = SearchForm(params).is_valid()
    return valid, [q["sql"] for q in queries]


def test_a_selected_value_is_checked_once_until_the_archive_changes():
    """Whether the public may see a selected type costs 4 to 6 ms of ORM a search: asked
    once, kept for the search's other pages and every search selecting it; an editor's
    publication shows at once."""
    draft = DocumentFactory(title="Draft treaty", status="draft", doc_type__slug="protocol")
    valid, first = _checks({"q": "treaty", "type": "protocol"})
    assert not valid  # only a draft is of this type: the public may not select it
    assert any("corpus_documenttype" in sql for sql in first)
    valid, again = _checks({"q": "treaty", "type": "protocol"})
    assert not valid and not any("corpus_documenttype" in sql for sql in again)

    draft.status = "published"
    draft.save()
    valid, _ = _checks({"q": "treaty", "type": "protocol"})
    assert valid
