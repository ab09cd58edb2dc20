"""Check a TEI date's machine-readable value against the words it encodes.

Some FRUS volumes carry a wrong ``@when`` ("0201-07-04" on a date that reads "July —, 1870."),
which would show as "July 4, 201", sort first and stretch the decade histogram back to the
200s. The printed words are what the editors checked, so when they name a four-digit year and
the value's year is not it, the date is read from the words. When the words give no year, the
neighbouring documents' year (the volume's chronological order) stands in for it — but only for
a value far from it, as an enclosure may rightly be older than the despatch it came with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chancery.corpus.dates import MONTHS, DateError, parse_date

#: Further than this from the documents around it, a value whose words give no year is wrong.
CONTEXT_YEARS = 10

_MONTH = "|".join(MONTHS)
YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
#: "July —, 1870", "October 31, 1870", "June 5–17, 1864", "September, 14, —", "June 22—1 a. m."
MONTH_DAY = re.compile(
    rf"\b(?P<m1>{_MONTH})\b\.?,?\s*(?:(?P<d1>\d{{1,2}})(?!\d)"
    rf"(?:\s*[–—-]\s*(?:(?P<m2>{_MONTH})\.?\s*)?(?P<d2>\d{{1,2}})(?!\d))?)?"
)


@dataclass(frozen=True)
class Checked:
    """The date to store and, when it is not the value given, a note saying why."""

    date: str
    note: str = ""


def _iso(year: int, month: str, day: str | None) -> str:
    return f"{year:04d}-{MONTHS.index(month) + 1:02d}" + (f"-{int(day):02d}" if day else "")


def _valid(candidate: str) -> bool:
    try:
        parse_date(candidate)
    except DateError:
        return False
    return True


def date_in_words(text: str, year: int) -> str:
    """The first month (and day, or day range) written in ``text``, in ``year``, as EDTF:
    "July —, 1870." -> "1870-07"; "June 5–17, 1864." -> "1864-06-05/1864-06-17";
    no month written -> "<year>"."""
    found = MONTH_DAY.search(text)
    if not found:
        return f"{year:04d}"
    m1, d1, m2, d2 = found.group("m1", "d1", "m2", "d2")
    if d1 and d2:
        span = f"{_iso(year, m1, d1)}/{_iso(year, m2 or m1, d2)}"
        if _valid(span):  # "June 22—1 a. m." is a day and an hour, not a range
            return span
    single = _iso(year, m1, d1)
    return single if _valid(single) else _iso(year, m1, None)


def check_date(value: str, text: str, context_year: int | None = None) -> Checked:
    """``value`` (EDTF, from the attributes) checked against ``text`` (the element's words).

    ``context_year`` is the year of the documents around this one, if known.
    """
    if ".." in value:  # an open end has no year to check
        return Checked(value)
    try:
        parsed = parse_date(value)
    except DateError:
        return Checked(value)
    ends = (parsed.earliest.year, parsed.latest.year)
    years = range(ends[0], ends[1] + 1)
    far = context_year is not None and any(abs(y - context_year) > CONTEXT_YEARS for y in ends)
    written = YEAR.search(text)
    if written:
        year = int(written.group(1))
        if year in years:
            if far:  # as printed (a misprint, or an old paper): said, not changed
                return Checked(
                    value, f"date {value} kept as printed ({text!r}), though far from "
                    f"the year of the documents around it ({context_year})",
                )  # fmt: skip
            return Checked(value)
        fixed = date_in_words(text, year)
        return Checked(fixed, f"date corrected from {value} to {fixed}: the date reads {text!r}")
    if not far or context_year is None:
        return Checked(value)
    if MONTH_DAY.search(text) is None:
        return Checked(
            value,
            f"date {value} kept, though far from the year of the documents around it "
            f"({context_year}): the date reads {text!r}, with no year or month",
        )
    fixed = date_in_words(text, context_year)
    return Checked(
        fixed,
        f"date corrected from {value} to {fixed}: the date reads {text!r}, with no year; "
        f"the documents around it are of {context_year}",
    )
