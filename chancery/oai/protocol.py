"""The protocol's rules for requests: verbs, their arguments, dates and error codes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from chancery.corpus.text import has_illegal, illegal_characters, strip_illegal

#: verb -> (required, optional, exclusive) arguments, after OAI-PMH 2.0 §4.
VERBS: dict[str, tuple[set[str], set[str], str | None]] = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}

DAY = "YYYY-MM-DD"
SECONDS = "YYYY-MM-DDThh:mm:ssZ"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    """A protocol error: answered with HTTP 200 and ``<error code="…">message</error>``."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


def check_arguments(params: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, or badVerb/badArgument naming what is wrong."""
    verbs = params.get("verb", [])
    if not verbs:
        raise OAIError("badVerb", "The verb argument is missing.")
    if len(verbs) > 1:
        raise OAIError("badVerb", "The verb argument is repeated.")
    verb = verbs[0]
    if has_illegal(verb):
        chars = illegal_characters(verb)
        raise OAIError("badVerb", f"The verb holds characters XML cannot carry ({chars}).")
    for name, values in params.items():
        bad = next((v for v in (name, *values) if has_illegal(v)), None)
        if bad is not None:
            raise OAIError(
                "badArgument",
                f"The argument “{strip_illegal(name)}” holds characters XML cannot carry "
                f"({illegal_characters(bad)}).",
            )
    if verb not in VERBS:
        raise OAIError("badVerb", f"“{verb}” is not an OAI-PMH verb.")
    required, optional, exclusive = VERBS[verb]
    args: dict[str, str] = {}
    for name, values in params.items():
        if name == "verb":
            continue
        if name not in required | optional | ({exclusive} if exclusive else set()):
            raise OAIError("badArgument", f"{verb} takes no argument “{name}”.")
        if len(values) > 1:
            raise OAIError("badArgument", f"The argument “{name}” is repeated.")
        args[name] = values[0]
    if exclusive and exclusive in args:
        others = sorted(set(args) - {exclusive})
        if others:
            raise OAIError(
                "badArgument", f"{exclusive} is exclusive: it cannot come with {', '.join(others)}."
            )
        return verb, args
    missing = sorted(required - set(args))
    if missing:
        raise OAIError("badArgument", f"{verb} needs the argument {', '.join(missing)}.")
    return verb, args


@dataclass(frozen=True)
class DateBound:
    """A from/until argument as a half-open bound on datestamps."""

    value: dt.datetime
    granularity: str


def parse_datestamp(text: str, name: str, *, until: bool) -> DateBound:
    """``from`` is inclusive from its start; ``until`` inclusive to the end of its second or day.

    The returned value is the first instant *not* included for ``until``.
    """
    try:
        if _DAY.match(text):
            day = dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=dt.UTC)
            return DateBound(day + dt.timedelta(days=1) if until else day, DAY)
        if _SECONDS.match(text):
            moment = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            return DateBound(moment + dt.timedelta(seconds=1) if until else moment, SECONDS)
    except (ValueError, OverflowError) as exc:
        raise OAIError("badArgument", f"{name}: “{text}” is not a real date ({exc}).") from exc
    raise OAIError(
        "badArgument", f"{name}: “{text}” is not a UTC datestamp: use {DAY} or {SECONDS}."
    )


def date_range(args: dict[str, str]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[from, until) as datetimes from the request, checked as the protocol requires."""
    start = parse_datestamp(args["from"], "from", until=False) if "from" in args else None
    end = parse_datestamp(args["until"], "until", until=True) if "until" in args else None
    if start and end:
        if start.granularity != end.granularity:
            raise OAIError("badArgument", "from and until must have the same granularity.")
        if start.value >= end.value:
            raise OAIError("badArgument", "from is later than until.")
    return (start.value if start else None), (end.value if end else None)


def datestamp(moment: dt.datetime) -> str:
    """A UTC datestamp at the repository's granularity (seconds)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
