"""The results histogram: years when the results fall within ten years, decades otherwise;
labels in HTML (readable on a phone) and a table with the same counts."""

import pytest

from .factories import DocumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def _histogram(client, **params):
    response = client.get("/search/", params)
    return response.context["page"].histogram, response.content.decode()


def test_years_when_results_span_two_decades_within_ten_years(client):
    for year in (1898, 1899, 1900, 1900, 1903):
        DocumentFactory(date=f"{year}-05-01")
    hist, html = _histogram(client)
    assert hist.unit == "year"
    assert [(b.label, b.count) for b in hist.bars] == [
        ("1898", 1), ("1899", 1), ("1900", 2), ("1901", 0), ("1902", 0), ("1903", 1),
    ]  # fmt: skip
    assert "Results by year (5 dated)" in html
    # the axis labels are HTML text, not SVG text scaled down with the chart
    assert '<div class="histogram-axis" aria-hidden="true"><span class="major"><span>1898' in html
    assert "<text" not in html


def test_decades_when_results_span_more_than_ten_years(client):
    for year in (1898, 1909):
        DocumentFactory(date=f"{year}-05-01")
    hist, _ = _histogram(client)
    assert hist.unit == "decade"
    assert [(b.label, b.count) for b in hist.bars] == [("1890s", 1), ("1900s", 1)]


def test_one_decade_many_years_still_years(client):
    for year in (1960, 1962, 1969):
        DocumentFactory(date=f"{year}")
    hist, _ = _histogram(client)
    assert hist.unit == "year" and len(hist.bars) == 10


def test_the_counts_as_a_table_with_links(client):
    for year in (1901, 1901, 1905):
        DocumentFactory(date=f"{year}-02-03")
    hist, html = _histogram(client)
    assert "<summary>The same counts as a table</summary>" in html
    assert '<th scope="col">Year</th><th scope="col">Documents</th>' in html
    url = hist.bars[0].url.replace("&", "&amp;")
    assert f'<tr><th scope="row"><a href="{url}">1901</a></th><td>2</td></tr>' in html
    assert ">1902</a>" not in html  # empty years are not rows


def test_labels_thin_out_on_many_bars(client):
    for year in range(1800, 1990, 10):
        DocumentFactory(date=f"{year}")
    hist, _ = _histogram(client)
    shown = [b for b in hist.bars if b.show_label]
    assert len(hist.bars) == 19 and len(shown) == 10
    # on a phone every other shown label is hidden: five remain
    assert len([b for b in shown if not b.minor_label]) == 5
