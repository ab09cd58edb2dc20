"""Characters no stored text may hold: the ones XML cannot carry, and their near kin.

XML 1.0 (§2.2) allows tab, line feed, carriage return and everything from U+0020 up,
except the surrogates and U+FFFE/U+FFFF. One such character in a title makes every Atom
feed and OAI-PMH page that includes the record unwritable, so they are kept out of the
database on every write path and stripped again on every XML output.

Also refused: DEL (U+007F) and the C1 controls (U+0080–U+009F). XML 1.0 allows them but
calls them discouraged, XML 1.1 requires them escaped, HTML reports them as parse errors,
and in archival metadata they are never meant: they are the trace of Windows-1252 text
decoded as Latin-1 (U+0092 for a right quote) or of binary garbage. Nothing visible is
lost by stripping them.

:func:`strip_illegal` is the one function every path uses; :func:`illegal_characters`
names what it would remove, for validation messages and import reports.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_illegal(text: str) -> str:
    """``text`` without the characters XML (and this archive) cannot hold."""
    if not text or not ILLEGAL.search(text):
        return text
    return ILLEGAL.sub("", text)


def has_illegal(text: str) -> bool:
    return bool(text) and ILLEGAL.search(text) is not None


#: The C0 controls' abbreviations, so a message says "U+0000 NUL", "U+000B VT".
C0_NAMES = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF",
    "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
    "SUB", "ESC", "FS", "GS", "RS", "US",
]  # fmt: skip


def _name(char: str) -> str:
    code = ord(char)
    if code < 32:
        return f"U+{code:04X} {C0_NAMES[code]}"
    return f"U+{code:04X} DEL" if code == 0x7F else f"U+{code:04X}"


def illegal_characters(text: str) -> str:
    """The illegal characters of ``text`` named: ``U+000B VT, U+0000 NUL``."""
    return ", ".join(_name(c) for c in dict.fromkeys(ILLEGAL.findall(text or "")))


def validate_xml_chars(value) -> None:
    """A form/model validator: a clear error instead of a silent strip for typed text."""
    if isinstance(value, str) and has_illegal(value):
        raise ValidationError(
            "This text contains invisible control characters (%(chars)s), often pasted "
            "from another program; remove them and save again.",
            code="control_characters",
            params={"chars": illegal_characters(value)},
        )


def clean_tree(value):
    """A JSON-like value with every string stripped; returns (clean value, what was removed)."""
    removed: dict[str, None] = {}

    def walk(v):
        if isinstance(v, str):
            if has_illegal(v):
                removed.update(dict.fromkeys(ILLEGAL.findall(v)))
                return ILLEGAL.sub("", v)
            return v
        if isinstance(v, dict):
            return {walk(k): walk(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return type(v)(walk(x) for x in v)
        return v

    cleaned = walk(value)
    return cleaned, ", ".join(_name(c) for c in removed)


#: Apps whose models' text fields are stripped on every save (see :func:`strip_on_save`).
STRIPPED_APPS = {"corpus", "ingest", "oai"}


def strip_on_save(sender, instance, raw=False, **kwargs) -> None:
    """pre_save receiver: strip every char/text field of the archive's models.

    The last line of defence for writes that bypass forms and importers (a shell, a
    script, a management command): silent, because there is nobody to ask.
    """
    if sender._meta.app_label not in STRIPPED_APPS:
        return
    for field in sender._meta.concrete_fields:
        if field.get_internal_type() in TEXT_TYPES:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and has_illegal(value):
                setattr(instance, field.attname, ILLEGAL.sub("", value))


TEXT_TYPES = {"CharField", "TextField", "SlugField", "URLField", "EmailField"}
