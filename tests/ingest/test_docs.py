"""docs/importing.md keeps up with the code: every CSV column and JSONL line type."""

from pathlib import Path

from chancery.ingest import jsonl
from chancery.ingest.csvfile import COLUMNS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "importing.md").read_text(encoding="utf-8")


def test_every_csv_column_is_documented():
    for column in COLUMNS:
        assert f"| `{column}` |" in DOC, column


def test_every_jsonl_line_type_is_documented():
    for name in [*jsonl.TYPES, "sourcekey", "chancery-export"]:
        assert f"`{name}`" in DOC or f'"{name}"' in DOC, name
