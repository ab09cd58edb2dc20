"""Resumption tokens: the query and the last (datestamp, identifier) seen, signed.

Pages are cut by keyset (records after the last one seen, in datestamp order), never by
offset, so a token stays valid however many records are imported, changed or withdrawn
during a harvest: new and changed records sort after everything seen and come on later
pages. Tokens carry no server state, so they never expire.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core import signing

from .protocol import OAIError

SALT = "chancery.oai.resumption"


@dataclass(frozen=True)
class Cursor:
    verb: str
    prefix: str
    set_spec: str | None
    start: dt.datetime | None
    end: dt.datetime | None
    after: tuple[dt.datetime, str] | None = None
    count: int = 0

    def encode(self) -> str:
        data = asdict(self)
        for key in ("start", "end"):
            data[key] = data[key].isoformat() if data[key] else None
        if self.after:
            data["after"] = [self.after[0].isoformat(), self.after[1]]
        return signing.dumps(data, salt=SALT, compress=True)

    @classmethod
    def decode(cls, token: str, verb: str) -> Cursor:
        try:
            data = signing.loads(token, salt=SALT)
            cursor = cls(
                verb=data["verb"],
                prefix=data["prefix"],
                set_spec=data["set_spec"],
                start=_moment(data["start"]),
                end=_moment(data["end"]),
                after=_after(data["after"]),
                count=int(data["count"]),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError) as exc:
            raise OAIError(
                "badResumptionToken", "The resumption token is not one this repository issued."
            ) from exc
        if cursor.verb != verb:
            raise OAIError(
                "badResumptionToken", f"This resumption token belongs to {cursor.verb}, not {verb}."
            )
        return cursor


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _after(pair: list | None) -> tuple[dt.datetime, str] | None:
    """The last (datestamp, identifier) a token carries, or None on its first page."""
    return (dt.datetime.fromisoformat(pair[0]), str(pair[1])) if pair else None
