"""The import formats by name, each a reader: path -> records."""

from __future__ import annotations

from functools import partial
from pathlib import Path

READERS = {"tei", "da-json", "csv", "jsonl", "ead"}


def reader(fmt: str, document: str = ""):
    if fmt == "tei":
        from .tei import read_tei

        return read_tei
    if fmt == "da-json":
        from .dajson import read_da_json

        return partial(read_da_json, document=document)
    if fmt == "csv":
        from .csvfile import read_csv

        return read_csv
    if fmt == "jsonl":
        from .jsonl import read_jsonl

        return read_jsonl
    if fmt == "ead":
        from .ead import read_ead

        return read_ead
    raise ValueError(fmt)


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
