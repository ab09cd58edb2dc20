"""Dump what importing FRUS volumes made, without ids or timestamps, to compare two versions
of the importer (issue 18: the bulk write path must make the same archive).

Run: .venv/bin/python bench/import_equivalence.py dump OUT.json [FOLDER]
     .venv/bin/python bench/import_equivalence.py compare A.json B.json

``dump`` imports every volume of FOLDER (default: the shared twelve) into a fresh archive
through ``import_file`` (the code of ``chancery import tei``), then imports them all again
(a re-import that must change nothing), and writes the archive after each pass: documents
(fields, dates, type, rights, every authority link by name, attachments, related
documents, texts, collections with positions), collections, authority records (with
variants and offices), the review lists, the source keys, the name-variant table, the
versions made per kind of record and what the search index holds. Records are named by
their slug or public id, never by primary key. ``compare`` prints the first differences
and exits 1 if there are any.

To dump with another checkout's code, put it first on ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

FRUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "frus"


def dump_archive() -> dict:
    """The archive as plain values, named by slugs and public ids (no pk, no timestamp)."""
    from django.contrib.contenttypes.models import ContentType

    from chancery.corpus import models as m
    from chancery.ingest.models import SourceKey
    from chancery.search.backends import get_backend
    from chancery.search.models import NameForm

    slug = {}
    authority_models = [m.Subject, m.Place, m.Agent, m.Repository, m.Publisher, m.DocumentType,
                        m.Rights, m.Classification, m.Donor]  # fmt: skip
    out: dict = {"authorities": {}}
    for model in authority_models:
        rows = {}
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ("id",)]
        for obj in model.objects.order_by("pk"):
            slug[model, obj.pk] = obj.slug
            rows[obj.slug] = {f: str(getattr(obj, f)) for f in fields}
        out["authorities"][model.__name__] = rows
    for rows in (out["authorities"]["Place"],):
        for row in rows.values():
            row["parent_id"] = (
                slug.get((m.Place, int(row["parent_id"])), "") if row["parent_id"] != "None" else ""
            )
    for model, fk in ((m.AgentVariant, "agent"), (m.PlaceVariant, "place")):
        parent = m.Agent if fk == "agent" else m.Place
        for v in model.objects.order_by("pk"):
            row = out["authorities"][parent.__name__][slug[parent, getattr(v, f"{fk}_id")]]
            row.setdefault("variants", []).append([v.name, v.script, v.note, v.scheme])
    for o in m.Office.objects.order_by("pk"):
        row = out["authorities"]["Agent"][slug[m.Agent, o.agent_id]]
        row.setdefault("offices", []).append([o.title, o.dates, o.source, o.position])
    colls = {}
    for c in m.Collection.objects.order_by("pk"):
        slug[m.Collection, c.pk] = c.slug
    for c in m.Collection.objects.order_by("pk"):
        fields = {f.attname: str(getattr(c, f.attname)) for f in c._meta.concrete_fields}
        for name in ("id", "created_at", "updated_at", "path"):
            fields.pop(name)
        fields["parent_id"] = slug.get((m.Collection, c.parent_id), "")
        fields["path"] = [slug[m.Collection, int(p)] for p in c.path.strip("/").split("/") if p]
        colls[c.slug] = fields
    out["collections"] = colls
    public = dict(m.Document.objects.values_list("pk", "public_id"))
    docs = {}
    skip = {"id", "created_at", "updated_at", "published_at"}
    for d in m.Document.objects.order_by("pk"):
        row = {f.attname: str(getattr(d, f.attname)) for f in d._meta.concrete_fields}
        for name in skip:
            row.pop(name)
        row["published"] = d.published_at is not None
        row["doc_type_id"] = slug.get((m.DocumentType, d.doc_type_id), "")
        row["rights_id"] = slug.get((m.Rights, d.rights_id), "")
        row["attached_to_id"] = public.get(d.attached_to_id, "")
        docs[d.public_id] = row
    for name in m.DESCRIPTIONS:
        field = m.Document._meta.get_field(name)
        through = field.remote_field.through
        src, dst = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
        target = field.related_model
        for doc, other in through.objects.values_list(src, dst):
            key = other if target is m.Language else slug[target, other]
            docs[public[doc]].setdefault(name, []).append(key)
    for doc, other in m.Document.related.through.objects.values_list(
        "from_document_id", "to_document_id"
    ):
        docs[public[doc]].setdefault("related", []).append(public[other])
    for ms in m.Membership.objects.all():
        docs[public[ms.document_id]].setdefault("collections", []).append(
            [slug[m.Collection, ms.collection_id], ms.position]
        )
    for model in (m.Transcript, m.Translation):
        for t in model.objects.order_by("document_id", "position", "pk"):
            docs[public[t.document_id]].setdefault(model.__name__, []).append(
                [t.label, t.language_id, t.html, t.position, str(t.file)]
            )
    for row in docs.values():
        for value in row.values():
            if isinstance(value, list):
                value.sort()
    out["documents"] = docs
    for review in (m.AgentReview, m.PlaceReview):
        kind = m.Agent if review is m.AgentReview else m.Place
        out[review.__name__] = sorted(
            [slug[kind, r.record_id], slug[kind, r.candidate_id], r.reason, r.status]
            for r in review.objects.all()
        )
    scope_model = {"agent": m.Agent, "place": m.Place, "collection": m.Collection}
    out["source_keys"] = sorted(
        [sk.scope, sk.key, slug.get((scope_model[sk.scope], sk.object_id), "?")]
        for sk in SourceKey.objects.all()
    )
    out["name_forms"] = sorted(
        [f.name, f.key, f.kind, f.note] + ([f.group] if f.group.startswith("t:") else [])
        for f in NameForm.objects.all()
    )
    versions: dict[str, int] = {}
    for ct_id, count in _version_counts():
        versions[ContentType.objects.get_for_id(ct_id).model] = count
    out["versions"] = versions
    out["index"] = get_backend().indexed_count()
    return out


def _version_counts():
    from django.db.models import Count
    from reversion.models import Version

    return Version.objects.values_list("content_type_id").annotate(n=Count("pk")).order_by()


def dump(target: Path, folder: Path) -> int:
    os.environ["CHANCERY_HOME"] = tempfile.mkdtemp(prefix="chancery-equiv-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from chancery.ingest.run import import_file
    from chancery.ingest.tei import read_tei

    if os.environ.get("CHANCERY_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    result = {}
    for label in ("first", "again"):
        reports = []
        for path in sorted(folder.glob("*.xml")):
            report = import_file(path, read_tei)
            reports.append([path.name, report.summary(), sorted(report.warnings)])
            print(f"{label} {path.name}: {report.summary()}", file=sys.stderr)
        result[label] = {"reports": reports, "archive": dump_archive()}
    target.write_text(json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False))
    return 0


def compare(a: Path, b: Path, limit: int = 40) -> int:
    left, right = json.loads(a.read_text()), json.loads(b.read_text())
    found: list[str] = []

    def walk(x, y, where: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    found.append(f"{where}/{k}: only in {'B' if k not in x else 'A'}")
                else:
                    walk(x[k], y[k], f"{where}/{k}")
        elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            for n, (p, q) in enumerate(zip(x, y, strict=True)):
                walk(p, q, f"{where}[{n}]")
        elif x != y:
            found.append(f"{where}: {str(x)[:200]!r} != {str(y)[:200]!r}")

    walk(left, right, "")
    for line in found:
        print(line)
    counts = {k: len(left[k]["archive"]["documents"]) for k in left if "archive" in left.get(k, {})}
    print(f"{len(found)} difference(s){'+' if len(found) >= limit else ''}; documents {counts}")
    return 1 if found else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["dump"] and len(args) in (2, 3):
        sys.exit(dump(Path(args[1]), Path(args[2]) if len(args) == 3 else FRUS))
    if args[:1] == ["compare"] and len(args) == 3:
        sys.exit(compare(Path(args[1]), Path(args[2])))
    print(__doc__)
    sys.exit(2)
