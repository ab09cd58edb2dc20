"""The fast path for plain ISO dates (added for bulk imports) agrees with the EDTF grammar."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from chancery.corpus import dates


def slow(text: str) -> dates.UncertainDate:
    code = dates._to_edtf(text)
    parsed = dates.parse_edtf(code)
    earliest = dates.struct_time_to_date(parsed.lower_strict())
    latest = dates.struct_time_to_date(parsed.upper_strict())
    if "/" in code:
        start, end = code.split("/", 1)
        shown = f"{dates._display_single(start)[0]} – {dates._display_single(end)[0]}"
    else:
        shown = dates._display_single(code)[0]
    return dates.UncertainDate(code, earliest, latest, shown, False)


def iso(day: dt.date, precision: int) -> str:
    return day.isoformat()[:precision]


days = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2100, 12, 31))
precisions = st.sampled_from([4, 7, 10])


@settings(max_examples=60, deadline=None)
@given(days, precisions)
def test_single_dates(day, precision):
    text = iso(day, precision)
    assert dates._plain_iso(text) == slow(text)


@settings(max_examples=40, deadline=None)
@given(days, st.integers(0, 3000), precisions, precisions)
def test_intervals(day, span, p1, p2):
    text = f"{iso(day, p1)}/{iso(day + dt.timedelta(days=span), p2)}"
    assert dates.parse_date(text) == slow(text)
