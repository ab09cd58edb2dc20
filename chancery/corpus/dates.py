"""Uncertain historical dates: an EDTF string in, a display form and a sortable range out.

Editors and importers write what the source says ("1958", "c. September 1958",
"1951-12-24/1952-01-03", "July 25, 1978"); we keep a normalised EDTF string, the earliest
and latest possible day (for range search and sorting) and a long display form.
The parsing itself is the ``edtf`` library's; this module only adapts it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from edtf import parse_edtf, struct_time_to_date, text_to_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

_CIRCA = re.compile(r"^\s*(c\.|ca\.?|circa|about|approximately)\s*", re.IGNORECASE)


def decade_of(year: int) -> int:
    """The decade a year falls in (1958: 1950): a document's decade is its earliest
    year's (``Document.decade``, the decade facet and the chronology's groups)."""
    return year // 10 * 10


class DateError(ValueError):
    """A date that cannot be read; the message says what was given."""


@dataclass(frozen=True)
class UncertainDate:
    edtf: str
    earliest: dt.date
    latest: dt.date
    display: str
    approximate: bool


def _to_edtf(text: str) -> str:
    text = text.strip()
    try:
        parse_edtf(text)
        return text
    except EDTFParseException:
        pass
    circa = bool(_CIRCA.match(text))
    converted = text_to_edtf(_CIRCA.sub("", text))
    if not converted:
        raise DateError(f"cannot read {text!r} as a date (try 1958, 1958-09 or 1958-09-27)")
    if circa and not converted.endswith(("~", "%")):
        converted += "~"
    return converted


def _display_single(text: str) -> tuple[str, bool]:
    """Long form of one EDTF date ("July 25, 1978", "September 1958", "c. 1958")."""
    approximate = text.endswith(("~", "?", "%"))
    core = text.rstrip("~?%")
    parts = core.split("-")
    year = parts[0]
    if "X" in year.upper():
        shown = year.upper().replace("X", "0") + "s"
    elif len(parts) == 1:
        shown = str(int(year))
    elif len(parts) == 2:
        shown = f"{MONTHS[int(parts[1]) - 1]} {int(year)}"
    else:
        shown = f"{MONTHS[int(parts[1]) - 1]} {int(parts[2])}, {int(year)}"
    return (f"c. {shown}" if approximate else shown), approximate


#: A partial ISO date as people type it: year, year and month, or a day ("1958-3" too).
PARTIAL_DATE_PATTERN = r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?"
_PARTIAL = re.compile(rf"^{PARTIAL_DATE_PATTERN}$")
#: The strict ISO form the EDTF fast path accepts (two-digit months and days).
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def partial_date_bounds(text: str) -> tuple[dt.date, dt.date]:
    """First and last day of '1958', '1958-03' or '1958-03-12'; :class:`DateError`
    (with a message for the person who typed it) if ``text`` is not one."""
    text = text.strip()
    if not _PARTIAL.match(text):
        raise DateError(f"“{text}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.")
    year, *rest = (int(part) for part in text.split("-"))
    try:
        if len(rest) == 2:
            day = dt.date(year, rest[0], rest[1])
            return day, day
        if rest:
            last = calendar.monthrange(year, rest[0])[1]
            return dt.date(year, rest[0], 1), dt.date(year, rest[0], last)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError as exc:  # calendar.IllegalMonthError is a ValueError
        raise DateError(f"“{text}” is not a real date ({exc}).") from exc


def partial_date(text: str, *, end: bool) -> dt.date:
    """'1958' → 1958-01-01, or 1958-12-31 as the ``end`` of a range; likewise for a month."""
    first, last = partial_date_bounds(text)
    return last if end else first


def _plain_iso(text: str) -> UncertainDate | None:
    """The common case (bulk imports: "1919-01-12", "1919-01-12/1919-01-20") without the
    EDTF grammar, which costs tens of milliseconds a date; same result as the full path."""
    text = text.strip()
    parts = text.split("/")
    if len(parts) > 2:
        return None
    if not all(_ISO.match(p) for p in parts):
        return None
    try:
        bounds = [partial_date_bounds(p) for p in parts]
    except DateError:
        return None
    earliest, latest = bounds[0][0], bounds[-1][1]
    if earliest > latest or (len(parts) == 2 and bounds[0][1] > bounds[1][1]):
        return None
    shown = [_display_single(p)[0] for p in parts]
    return UncertainDate(text, earliest, latest, " – ".join(shown), False)


def parse_date(text: str) -> UncertainDate:
    """Read a date as written; raise :class:`DateError` with a clear message otherwise."""
    if not text or not text.strip():
        raise DateError("empty date")
    fast = _plain_iso(text)
    if fast is not None:
        return fast
    code = _to_edtf(text)
    if code.startswith("..") or code.endswith(".."):
        raise DateError(f"{text!r} is open-ended: give both ends of the range")
    try:
        parsed = parse_edtf(code)
        earliest = struct_time_to_date(parsed.lower_strict())
        latest = struct_time_to_date(parsed.upper_strict())
    except (EDTFParseException, ValueError, OverflowError, TypeError) as exc:
        raise DateError(f"cannot read {text!r} as a date: {exc}") from exc
    if earliest > latest:
        raise DateError(f"{text!r} ends before it begins")
    try:
        if "/" in code:
            start, end = code.split("/", 1)
            first, a1 = _display_single(start)
            last, a2 = _display_single(end)
            display, approximate = f"{first} – {last}", a1 or a2
        else:
            display, approximate = _display_single(code)
    except (ValueError, IndexError) as exc:
        raise DateError(f"cannot display {text!r}: {exc}") from exc
    return UncertainDate(code, earliest, latest, display, approximate)
