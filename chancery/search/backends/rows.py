"""The records of a page's hits, read in one SQL statement written once per database.

A page of hits needs its ten documents and their types (``Document.objects.with_listing()``),
and where each sits (its first membership's collection: the provenance a hit shows).
Through the ORM that query is compiled again on every search (about half of its cost);
here it is written once per database connection's vendor and run as it is, and each row
becomes a ``Document`` with its type as the ORM makes them (``from_db``, the database's
converters applied): every field is there, so nothing is read later one by one.

Only published documents are read: the database decides what is public, whatever an index
(kept outside its transactions) still holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, router

from chancery.corpus.models import Document, DocumentType, Membership

#: The attribute a document read here holds its first membership's collection in (None:
#: in no collection); ``web.reading.add_provenance`` reads it instead of asking again.
FIRST_COLLECTION = "first_collection_id"


@dataclass(frozen=True)
class _Statement:
    sql: str  # with one "{}" for the pks' placeholders
    documents: list  # (attname, converters, expression) of Document's columns, in order
    types: list  # the same of DocumentType's


def _read(model, table: str, connection) -> tuple[list[str], list]:
    columns, fields = [], []
    for field in model._meta.concrete_fields:
        expression = field.get_col(table)
        converters = connection.ops.get_db_converters(expression)
        converters += expression.get_db_converters(connection)
        columns.append(f"{table}.{connection.ops.quote_name(field.column)}")
        fields.append((field.attname, converters, expression))
    return columns, fields


_STATEMENTS: dict[str, _Statement] = {}


def _statement(connection) -> _Statement:
    found = _STATEMENTS.get(connection.alias)
    if found is None:
        q = connection.ops.quote_name
        doc_columns, documents = _read(Document, "d", connection)
        type_columns, types = _read(DocumentType, "t", connection)
        pk = q(Document._meta.pk.column)
        m = {f.name: q(f.column) for f in Membership._meta.concrete_fields}
        first = (
            f"(SELECT m.{m['collection']} FROM {q(Membership._meta.db_table)} m "  # noqa: S608
            f"WHERE m.{m['document']} = d.{pk} ORDER BY m.{m['position']}, m.{m['id']} LIMIT 1)"
        )
        # Names from the models' own metadata, quoted; the pks and status are parameters.
        sql = (
            f"SELECT {', '.join([*doc_columns, *type_columns, first])} "  # noqa: S608
            f"FROM {q(Document._meta.db_table)} d "
            f"LEFT JOIN {q(DocumentType._meta.db_table)} t "
            f"ON t.{q(DocumentType._meta.pk.column)} = d.{q('doc_type_id')} "
            f"WHERE d.{pk} IN ({{}}) AND d.{q('status')} = %s"
        )
        found = _STATEMENTS[connection.alias] = _Statement(sql, documents, types)
    return found


def _values(row, fields, connection) -> list:
    values = []
    for value, (_, converters, expression) in zip(row, fields, strict=True):
        for converter in converters:
            value = converter(value, expression, connection)
        values.append(value)
    return values


_DOC_TYPE = Document._meta.get_field("doc_type")
#: Where the type's pk stands among its columns.
_TYPE_PK = DocumentType._meta.concrete_fields.index(DocumentType._meta.pk)


def published_documents(pks: list[int]) -> dict[int, Document]:
    """{pk: document with its type and first collection (:data:`FIRST_COLLECTION`)} of
    those of ``pks`` that are published (one query)."""
    if not pks:
        return {}
    alias = router.db_for_read(Document)
    connection = connections[alias]
    statement = _statement(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            statement.sql.format(", ".join(["%s"] * len(pks))), [*pks, Document.PUBLISHED]
        )
        rows = cursor.fetchall()
    n = len(statement.documents)
    doc_names = [name for name, _, _ in statement.documents]
    type_names = [name for name, _, _ in statement.types]
    out = {}
    for row in rows:
        document = Document.from_db(
            alias, doc_names, _values(row[:n], statement.documents, connection)
        )
        doc_type = None
        if row[n + _TYPE_PK] is not None:  # none when the document has no type
            values = _values(row[n:-1], statement.types, connection)
            doc_type = DocumentType.from_db(alias, type_names, values)
        _DOC_TYPE.set_cached_value(document, doc_type)
        setattr(document, FIRST_COLLECTION, row[-1])
        out[document.pk] = document
    return out
