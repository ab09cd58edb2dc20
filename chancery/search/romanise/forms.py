"""What every rule of :mod:`chancery.search.romanise` shares: the shipped data's folder,
:class:`Form` (a spelling and its scheme) and the folding that compares names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent.parent / "data"


@dataclass(frozen=True)
class Form:
    """Another spelling of a typed name and the scheme (or rule) that made it."""

    text: str
    scheme: str


def _ascii(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae")
    text = text.replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _keyed(text: str) -> str:
    return " ".join(re.findall(r"\w+", _ascii(text).lower()))
