"""Versions, review comments and the audit log in a JSONL backup (chancery/ingest/jsonl.py).

Three line types follow the records of an export:

* ``revision``: one change — its date, author (by username), comment, public note, review
  state, event and import run (name, file, SHA-256) — with its ``versions`` inline, each the
  stored JSON of one record as reversion keeps it, and the record's natural key (public id,
  slug) when it has one;
* ``reviewcomment``: a comment in a document's review (document by public id);
* ``auditevent``: an audit-log entry, as it was written.

A restore keeps each row's ``id`` when it is free (a restore into an empty archive is
exact), and a line already in the archive (same id and date) is "unchanged". Accounts are
not in a backup: an author is found again by username, and left empty (the log keeps the
name) when the archive has no such account. A version stores the record's ids; when a
record came back under another id (a file merged into an archive that already had it), its
revisions are skipped, and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.dateparse import parse_datetime
from reversion.models import Revision, Version

from chancery.audit.models import AuditEvent
from chancery.corpus import models as corpus
from chancery.corpus.inserts import insert

from .history import history_restored
from .models import ImportSource, ReviewComment, RevisionInfo

#: line type -> the model it restores (its order in the file)
KINDS: dict[str, type[models.Model]] = {
    "revision": Revision,
    "reviewcomment": ReviewComment,
    "auditevent": AuditEvent,
}
#: every table a restore writes ids into (their sequences are reset after it)
MODELS = (Revision, Version, RevisionInfo, ImportSource, ReviewComment, AuditEvent)
#: versioned models with a natural key (the others are found by id)
NATURAL: dict[type[models.Model], str] = {
    corpus.Document: "public_id",
    corpus.Language: "code",
    **{
        model: "slug"
        for model in (
            corpus.Subject,
            corpus.Repository,
            corpus.Publisher,
            corpus.DocumentType,
            corpus.Rights,
            corpus.Classification,
            corpus.Donor,
            corpus.Agent,
            corpus.Place,
            corpus.Collection,
        )
    },  # fmt: skip
}
CHUNK = 500


def counts() -> dict[str, int]:
    return {kind: model._default_manager.count() for kind, model in KINDS.items()}


def _stamp(value) -> str | None:
    return value.isoformat() if value is not None else None


def _username(user) -> str:
    return user.get_username() if user is not None else ""


# -- export ----------------------------------------------------------------------------
def export_lines() -> Iterator[dict]:
    yield from _revisions()
    comments = ReviewComment.objects.select_related("document", "author").order_by("pk")
    for c in comments.iterator(chunk_size=CHUNK):
        yield {"type": "reviewcomment", "id": c.pk, "document": c.document.public_id,
               "author": _username(c.author), "action": c.action, "text": c.text,
               "created_at": _stamp(c.created_at)}  # fmt: skip
    for e in AuditEvent.objects.select_related("user").order_by("pk").iterator(chunk_size=CHUNK):
        yield {"type": "auditevent", "id": e.pk, "at": _stamp(e.at), "action": e.action,
               "user": _username(e.user), "username": e.username, "ip": e.ip,
               "target_type": e.target_type, "target": e.target, "detail": e.detail}  # fmt: skip


def _model(type_id: int) -> type[models.Model]:
    model = ContentType.objects.get_for_id(type_id).model_class()
    if model is None:  # a model since removed: its versions cannot be read
        raise HistoryError(f"content type {type_id} has no model")
    return model


def _natural_keys(versions: list[Version]) -> dict[tuple[int, str], str]:
    """(content type, object id) -> the record's natural key, a query per model."""
    wanted: dict[int, set[str]] = {}
    for v in versions:
        wanted.setdefault(v.content_type_id, set()).add(v.object_id)
    found = {}
    for type_id, ids in wanted.items():
        model = _model(type_id)
        if model in NATURAL:
            rows = model._default_manager.filter(pk__in=ids).values_list("pk", NATURAL[model])
            found.update({(type_id, str(pk)): key for pk, key in rows})
    return found


def _revisions() -> Iterator[dict]:
    ids = list(Revision.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        revisions = Revision.objects.filter(pk__in=chunk).select_related("user").order_by("pk")
        infos = {
            i.revision_id: i
            for i in RevisionInfo.objects.filter(revision_id__in=chunk).select_related("source")
        }
        versions: dict[int, list[Version]] = {}
        rows = list(Version.objects.filter(revision_id__in=chunk).order_by("pk"))
        keys = _natural_keys(rows)
        for v in rows:
            versions.setdefault(v.revision_id, []).append(v)
        for r in revisions:
            info = infos.get(r.pk)
            yield {
                "type": "revision", "id": r.pk, "date_created": _stamp(r.date_created),
                "user": _username(r.user), "comment": r.comment,
                "info": None if info is None else {
                    "note": info.note, "state": info.state, "event": info.event,
                    "source": None if info.source is None else {
                        "name": info.source.name, "file": info.source.file,
                        "sha256": info.source.sha256, "format": info.source.format,
                        "started_at": _stamp(info.source.started_at),
                    },
                },
                "versions": [
                    {"id": v.pk, "model": _model(v.content_type_id)._meta.label_lower,
                     "object_id": v.object_id, "object": keys.get((v.content_type_id, v.object_id)),
                     "format": v.format, "serialized_data": v.serialized_data,
                     "object_repr": v.object_repr}
                    for v in versions.get(r.pk, [])
                ],
            }  # fmt: skip


# -- restore ---------------------------------------------------------------------------
class HistoryError(ValueError):
    """A history line that cannot be restored (the message says why)."""


def _user(name: str):
    if not name:
        return None
    return get_user_model()._default_manager.filter(username=name).first()


def _exists(model: type[models.Model], pk, **same) -> bool:
    """A row with this id and these values is already there (restored before)."""
    return isinstance(pk, int) and model._default_manager.filter(pk=pk, **same).exists()


def _free(model: type[models.Model], pk) -> bool:
    return pk is not None and not model._default_manager.filter(pk=pk).exists()


def _at(value, where: str, name: str):
    stamp = parse_datetime(value) if isinstance(value, str) else None
    if stamp is None:
        raise HistoryError(f"{where}: {name} {value!r} is not a date and time")
    return stamp


def restore(data: dict, where: str, stage=None) -> tuple[str, str]:
    """Write one history line; returns (outcome, a warning or ""). ``stage``: a staged run
    (ingest/staging.py), told of every row made so that a failure removes them."""
    kind = data["type"]
    made: list[models.Model] = []
    if kind == "revision":
        outcome, warning = _revision(data, where, made)
    elif kind == "reviewcomment":
        outcome, warning = _comment(data, where, made), ""
    else:
        outcome, warning = _audit(data, where, made), ""
    if stage is not None:
        for obj in made:
            stage.created(obj)
    return outcome, warning


def _revision(data: dict, where: str, made: list) -> tuple[str, str]:
    date = _at(data.get("date_created"), where, "date_created")
    versions = []
    for item in data.get("versions") or []:
        try:
            model = apps.get_model(item["model"])
        except (KeyError, LookupError, ValueError):
            kind = item.get("model")
            raise HistoryError(f"{where}: a version of an unknown kind {kind!r}") from None
        object_id = str(item.get("object_id", ""))
        if model in NATURAL and item.get("object"):
            now = model._default_manager.filter(**{NATURAL[model]: item["object"]})
            pk = now.values_list("pk", flat=True).first()
            if pk is not None and str(pk) != object_id:
                return "skipped", (
                    f"{where}: versions of {model._meta.verbose_name} {item['object']!r} not "
                    "restored: the record has another id in this archive"
                )
            if pk is not None:
                history_restored(model, pk)
        versions.append((item, model, object_id))
    if _exists(Revision, data.get("id"), date_created=date):
        return "unchanged", ""
    revision = Revision(date_created=date, user=_user(data.get("user", "")),
                        comment=data.get("comment") or "")  # fmt: skip
    if _free(Revision, data.get("id")):
        revision.pk = data["id"]
    revision.save()
    made.append(revision)
    rows = []
    for item, model, object_id in versions:
        row = Version(
            revision=revision, object_id=object_id, db="default",
            content_type=ContentType.objects.get_for_model(model),
            format=item.get("format") or "json", serialized_data=item.get("serialized_data") or "",
            object_repr=item.get("object_repr") or "",
        )  # fmt: skip
        if _free(Version, item.get("id")):
            row.pk = item["id"]
        rows.append(row)
    Version.objects.bulk_create(rows)
    info = data.get("info")
    if isinstance(info, dict):
        RevisionInfo.objects.create(
            revision=revision, source=_source(info.get("source"), where),
            note=info.get("note") or "", state=info.get("state") or RevisionInfo.APPLIED,
            event=info.get("event") or "",
        )  # fmt: skip
    return "created", ""


def _source(data, where: str) -> ImportSource | None:
    if not isinstance(data, dict):
        return None
    started = _at(data.get("started_at"), where, "started_at")
    values = {k: data.get(k) or "" for k in ("name", "file", "sha256", "format")}
    source = ImportSource.objects.filter(**values, started_at=started).first()
    if source is None:
        source = ImportSource.objects.create(**values)
        ImportSource.objects.filter(pk=source.pk).update(started_at=started)  # auto_now_add
    return source


def _comment(data: dict, where: str, made: list) -> str:
    created = _at(data.get("created_at"), where, "created_at")
    if _exists(ReviewComment, data.get("id"), created_at=created):
        return "unchanged"
    document = corpus.Document.objects.filter(public_id=data.get("document")).first()
    if document is None:
        raise HistoryError(f"{where}: review comment on {data.get('document')!r}: no such document")
    comment = ReviewComment(
        document=document, author=_user(data.get("author", "")),
        action=data.get("action") or "", text=data.get("text") or "",
    )  # fmt: skip
    return _create(comment, data.get("id"), made, created_at=created)


def _audit(data: dict, where: str, made: list) -> str:
    at = _at(data.get("at"), where, "at")
    if _exists(AuditEvent, data.get("id"), at=at):
        return "unchanged"
    fields = ("action", "username", "ip", "target_type", "target", "detail")
    event = AuditEvent(user=_user(data.get("user", "")), **{f: data.get(f) or "" for f in fields})
    return _create(event, data.get("id"), made, at=at)


def _create(obj: models.Model, pk, made: list, **stamp) -> str:
    """Save ``obj`` under its exported id if free, with its exported date (auto_now_add)."""
    model = type(obj)
    if _free(model, pk):
        obj.pk = pk
    obj.save()
    model._default_manager.filter(pk=obj.pk).update(**stamp)
    made.append(obj)
    return "created"


# -- restore in bulk -------------------------------------------------------------------
#: revision lines written together (at most)
REVISIONS = 200


def restore_revisions(lines: list[tuple[dict, str]], one, stage=None) -> int:
    """Write a run of ``revision`` lines as :func:`restore` would, line after line, with
    a handful of queries for the run; returns how many it created in bulk.

    A line goes in bulk when it is plain: its revision's and versions' ids are free (not in
    the archive, not named earlier in the run), its dates are dates, its kinds are known and
    no record it names has another id here. Any other line (one already there, a record
    with another id, a line in error) is written by ``one(data, where)``, the row-by-row
    path, in its place: the rows before it are written first, so ids come out as they
    would one line at a time.
    """
    naturals = _naturals_of(lines)
    made, start = 0, 0
    while start < len(lines):
        taken = _taken(lines[start:])
        seen: tuple[set, set] = (set(), set())
        plans = []
        while start < len(lines):
            plan = _plan(*lines[start], naturals, taken, seen)
            if plan is None:
                break
            plans.append(plan)
            start += 1
        made += _write(plans, stage)
        if start < len(lines):
            one(*lines[start])  # then ids are taken again from what is written
            start += 1
    return made


def _versions_of(data: dict) -> list:
    versions = data.get("versions") or []
    return versions if isinstance(versions, list) else []


def _model_of(item: dict) -> type[models.Model] | None:
    """The model a version line names, or None for a name that is no model here."""
    try:
        return apps.get_model(item["model"])
    except (KeyError, LookupError, ValueError, TypeError, AttributeError):
        return None


def _naturals_of(lines: list[tuple[dict, str]]) -> dict[tuple[type, str], object]:
    """(model, natural key) -> the record's id now, a query per model for the run."""
    wanted: dict[type[models.Model], set[str]] = {}
    for data, _ in lines:
        for item in _versions_of(data):
            if isinstance(item, dict) and isinstance(item.get("object"), str):
                model = _model_of(item)
                if model in NATURAL and item["object"]:
                    wanted.setdefault(model, set()).add(item["object"])
    found = {}
    for model, keys in wanted.items():
        rows = model._default_manager.filter(**{f"{NATURAL[model]}__in": keys})
        found.update({(model, str(k)): pk for k, pk in rows.values_list(NATURAL[model], "pk")})
    return found


def _ids(lines: list[tuple[dict, str]]) -> tuple[list, list]:
    revisions, versions = [], []
    for data, _ in lines:
        revisions.append(data.get("id"))
        versions += [item.get("id") for item in _versions_of(data) if isinstance(item, dict)]

    def numbers(ids: list) -> list[int]:
        return [pk for pk in ids if type(pk) is int]

    return numbers(revisions), numbers(versions)


def _taken(lines: list[tuple[dict, str]]) -> tuple[set[int], set[int]]:
    """The ids of ``lines`` the archive has already: revisions, versions."""
    revisions, versions = _ids(lines)
    taken_revisions, taken_versions = set(), set()
    for start in range(0, len(revisions), CHUNK):
        rows = Revision.objects.filter(pk__in=revisions[start : start + CHUNK])
        taken_revisions.update(rows.values_list("pk", flat=True))
    for start in range(0, len(versions), CHUNK):
        rows = Version.objects.filter(pk__in=versions[start : start + CHUNK])
        taken_versions.update(rows.values_list("pk", flat=True))
    return taken_revisions, taken_versions


def _plan(data: dict, where: str, naturals: dict, taken: tuple, seen: tuple) -> dict | None:
    """A plain line's rows to write, or None (the line goes row by row)."""
    pk = data.get("id")
    if type(pk) is not int or pk in taken[0] or pk in seen[0]:
        return None
    try:
        date = parse_datetime(data["date_created"])
    except (KeyError, TypeError, ValueError):
        return None  # row by row says what is wrong
    info = data.get("info")
    user, comment = data.get("user", ""), data.get("comment") or ""
    if date is None or not isinstance(user, str) or not isinstance(comment, str):
        return None
    if info is not None and not _plain_info(info):
        return None
    if not isinstance(data.get("versions") or [], list):
        return None
    versions, ids, restored = [], set(), []
    for item in _versions_of(data):
        if not isinstance(item, dict) or type(item.get("id")) is not int:
            return None
        vid = item["id"]
        if vid in taken[1] or vid in seen[1] or vid in ids:
            return None
        model = _model_of(item)
        if model is None:
            return None
        object_id = str(item.get("object_id", ""))
        key = item.get("object")
        if model in NATURAL and key:
            if not isinstance(key, str):
                return None
            now = naturals.get((model, key))
            if now is not None and str(now) != object_id:
                return None  # skipped row by row, with its warning
            if now is not None:
                restored.append((model, now))
        ids.add(vid)
        versions.append(
            Version(
                pk=vid, revision_id=pk, object_id=object_id, db="default",
                content_type=ContentType.objects.get_for_model(model),
                format=item.get("format") or "json",
                serialized_data=item.get("serialized_data") or "",
                object_repr=item.get("object_repr") or "",
            )
        )  # fmt: skip
    for model, record in restored:
        history_restored(model, record)
    seen[0].add(pk)
    seen[1].update(ids)
    revision = Revision(pk=pk, date_created=date, comment=comment)
    return {"revision": revision, "user": user, "versions": versions, "info": info}


def _plain_info(info) -> bool:
    if not isinstance(info, dict):
        return False
    source = info.get("source")
    if source is None:
        return True
    try:
        return isinstance(source, dict) and parse_datetime(source["started_at"]) is not None
    except (KeyError, TypeError, ValueError):
        return False


def _write(plans: list[dict], stage) -> int:
    """The rows of a run of plain lines: revisions, versions, their import details."""
    if not plans:
        return 0
    names = {p["user"] for p in plans if p["user"]}
    users = {
        u.get_username(): u for u in get_user_model()._default_manager.filter(username__in=names)
    }
    revisions = []
    for plan in plans:
        plan["revision"].user = users.get(plan["user"])
        revisions.append(plan["revision"])
    insert(Revision, revisions)
    insert(Version, [v for p in plans for v in p["versions"]])
    sources: dict[tuple, ImportSource | None] = {}
    infos = []
    for plan in plans:
        info = plan["info"]
        if not isinstance(info, dict):
            continue
        source = info.get("source")
        found = None
        if isinstance(source, dict):
            key = tuple(source.get(k) for k in ("name", "file", "sha256", "format", "started_at"))
            if key not in sources:
                sources[key] = _source(source, "")
            found = sources[key]
        infos.append(
            RevisionInfo(
                revision=plan["revision"], source=found, note=info.get("note") or "",
                state=info.get("state") or RevisionInfo.APPLIED, event=info.get("event") or "",
            )
        )  # fmt: skip
    insert(RevisionInfo, infos)
    if stage is not None:
        for revision in revisions:
            stage.created(revision)
    return len(plans)
