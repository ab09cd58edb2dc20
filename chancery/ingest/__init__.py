"""Importers (TEI/FRUS, Wilson-DA JSON, CSV, JSONL) and the archive export."""
