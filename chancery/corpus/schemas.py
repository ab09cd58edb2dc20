"""The published schemas Chancery validates against (EAD3, EAD 2002, EAC-CPF, CSL-JSON).

They are standards published by others and are not part of the project: an operator puts
them in ``CHANCERY_SCHEMAS_DIR`` (by default ``shared/schemas`` beside the installation).
Code that finds none validates what it can by itself and says so; tests skip.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

#: What each schema is and where it is published.
SOURCES = {
    "ead3/ead3.xsd": "EAD3 1.1 (SAA-SDT/EAD3 on GitHub)",
    "ead2002/ead.xsd": "EAD 2002 XSD (SAA-SDT/EAD2002 on GitHub)",
    "ead2002/xlink.xsd": "the XLink schema EAD 2002 imports (www.loc.gov/standards/xlink)",
    "eac-cpf/cpf.rng": "EAC-CPF 2010 (SAA-SDT/eac-cpf-schema on GitHub)",
    "csl/csl-data.json": "CSL-JSON schema (citation-style-language/schema on GitHub)",
}


def schema_file(name: str) -> Path | None:
    """The schema ``name`` (e.g. ``ead3/ead3.xsd``) in the schemas folder, or None."""
    path = Path(settings.SCHEMAS_DIR) / name
    return path if path.is_file() else None


def missing(name: str) -> str:
    """Why a schema is not there, and how to provide it."""
    return (
        f"{SOURCES.get(name, name)} not found at {Path(settings.SCHEMAS_DIR) / name}: "
        "put the published file there or point CHANCERY_SCHEMAS_DIR at a folder holding it"
    )
