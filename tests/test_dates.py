import datetime as dt

import pytest

from chancery.corpus.dates import DateError, parse_date


@pytest.mark.parametrize(
    ("text", "display", "earliest", "latest"),
    [
        ("1978-07-25", "July 25, 1978", dt.date(1978, 7, 25), dt.date(1978, 7, 25)),
        ("July 25, 1978", "July 25, 1978", dt.date(1978, 7, 25), dt.date(1978, 7, 25)),
        ("1958", "1958", dt.date(1958, 1, 1), dt.date(1958, 12, 31)),
        ("c. September 1958", "c. September 1958", dt.date(1958, 9, 1), dt.date(1958, 9, 30)),
        ("1958-09~", "c. September 1958", dt.date(1958, 9, 1), dt.date(1958, 9, 30)),
        (
            "1951-12-24/1952-01-03",
            "December 24, 1951 – January 3, 1952",
            dt.date(1951, 12, 24),
            dt.date(1952, 1, 3),
        ),
        ("195X", "1950s", dt.date(1950, 1, 1), dt.date(1959, 12, 31)),
    ],
)
def test_uncertain_dates_have_a_display_form_and_a_range(text, display, earliest, latest):
    parsed = parse_date(text)
    assert parsed.display == display
    assert (parsed.earliest, parsed.latest) == (earliest, latest)


@pytest.mark.parametrize(
    "text", ["", "someday", "1958-13-45", "1960/1950", "../1870-07-04", "1870-07-04/.."]
)
def test_unreadable_dates_are_refused_with_a_message(text):
    with pytest.raises(DateError):
        parse_date(text)


def test_approximate_dates_say_circa():
    assert parse_date("circa 1958").approximate
    assert parse_date("circa 1958").display == "c. 1958"
