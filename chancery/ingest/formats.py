"""The import formats by name, each a reader: path -> records."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from .csvfile import read_csv
from .dajson import read_da_json
from .ead import read_ead
from .jsonl import read_jsonl
from .tei import read_tei

#: Format name -> reader (path -> records).
_READERS = {
    "tei": read_tei, "da-json": read_da_json, "csv": read_csv, "jsonl": read_jsonl, "ead": read_ead,
}  # fmt: skip
READERS = set(_READERS)


def reader(fmt: str, document: str = ""):
    if fmt == "da-json":
        return partial(read_da_json, document=document)
    if fmt not in _READERS:
        raise ValueError(fmt)
    return _READERS[fmt]


def estimate(fmt: str, path: Path) -> int | None:
    """How many documents the file holds, cheaply, for the progress bar (None: unknown)."""
    try:
        if fmt == "tei":
            return path.read_bytes().count(b'type="document"')
        if fmt == "ead":
            return path.read_bytes().count(b'level="item"')
        if fmt in ("csv", "jsonl"):
            with path.open("rb") as f:
                return max(sum(1 for _ in f) - 1, 0)
    except OSError:
        return None
    return None
