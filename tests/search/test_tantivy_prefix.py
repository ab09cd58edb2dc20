"""A prefix finds the words a reader means on Tantivy, whose index holds stems.

"negotiat*" is held as "negoti" in the index for "negotiations", "negotiate" and
"negotiator": a prefix matched against the stems alone missed every one of them. On a
real FRUS volume, a prefix finds every document whose texts hold a word beginning with it.
"""

from __future__ import annotations

import re

import pytest

from chancery.corpus.models import Document
from chancery.corpus.sanitize import html_to_text
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery

pytest_plugins = ["tests.search.tantivy_fixtures"]


def holding(pattern: str) -> set[str]:
    """Public ids of the documents whose title, summary or texts hold a word matching."""
    words = re.compile(rf"\b{pattern}", re.IGNORECASE)
    found = set()
    documents = Document.objects.published().prefetch_related("translations", "transcripts")
    for d in documents:
        texts = [html_to_text(t.html) for t in [*d.translations.all(), *d.transcripts.all()]]
        if any(words.search(text) for text in [d.title, d.summary or "", *texts]):
            found.add(d.public_id)
    return found


def found(text: str) -> set[str]:
    results = get_backend().search(SearchQuery(text=text))
    return {hit.document.public_id for hit in results[0 : results.count()]}


@pytest.mark.parametrize(
    ("prefix", "stem"),
    [("negotiat", "negoti"), ("agree", "agre"), ("governm", "govern"), ("recogni", "recogn")],
)
def test_a_prefix_finds_every_document_with_a_word_beginning_with_it(tantivy_1901, prefix, stem):
    meant = holding(prefix)
    assert meant, prefix
    answer = found(prefix + "*")
    assert meant <= answer
    # Nothing beyond the words of the same stem (as FTS5 matches the typed prefix's stem).
    assert answer <= holding(stem)


def test_a_prefix_still_ranks_and_marks_what_it_found(tantivy_1901):
    results = get_backend().search(SearchQuery(text="negotiat*"))
    hits = results[0:10]
    assert len(hits) == 10
    assert all("<mark>" in (h.snippet_html + h.title_html + h.summary_html) for h in hits)
