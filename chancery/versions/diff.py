"""What changed between two versions: field by field, and word by word in the texts."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.html import strip_tags
from reversion.models import Version

from chancery.corpus import models as m

from .history import children_of, fields_of

HIDDEN = {
    "date_display",
    "date_earliest",
    "date_latest",
    "date_approximate",
    "decade",
    "created_at",
    "updated_at",
}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class TextChange:
    label: str
    words: list[tuple[str, str]] = field(default_factory=list)  # (op, text): "", "del", "ins"


@dataclass
class Diff:
    fields: list[FieldChange]
    texts: list[TextChange]

    @property
    def empty(self) -> bool:
        return not self.fields and not self.texts


def _names(model: type[models.Model], ids) -> dict:
    return {str(o.pk): str(o) for o in model._default_manager.filter(pk__in=list(ids))}


def _shown(model: type[models.Model], data: dict, other: dict) -> dict[str, tuple[str, str, str]]:
    """Field -> (label, old shown, new shown) for the fields that differ."""
    changed: dict[str, tuple[str, str, str]] = {}
    for name in sorted(set(data) | set(other)):
        if name in HIDDEN or _comparable(data.get(name)) == _comparable(other.get(name)):
            continue
        f: Any
        try:
            f = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 — a field since removed: show the raw value
            f = None
        old, new = data.get(name), other.get(name)
        label = str(getattr(f, "verbose_name", name))
        if f is not None and (f.many_to_many or f.many_to_one) and f.related_model:
            names = _names(
                f.related_model,
                [*(old or []), *(new or [])]
                if f.many_to_many
                else [v for v in (old, new) if v is not None],
            )
            if f.many_to_many:
                old_s = "; ".join(sorted(names.get(str(i), f"#{i}") for i in old or []))
                new_s = "; ".join(sorted(names.get(str(i), f"#{i}") for i in new or []))
            else:
                old_s = names.get(str(old), "") if old is not None else ""
                new_s = names.get(str(new), "") if new is not None else ""
        else:
            old_s = "" if old is None else str(old)
            new_s = "" if new is None else str(new)
        changed[name] = (label[:1].upper() + label[1:], old_s, new_s)
    return changed


def _comparable(value):
    """Many-to-many ids in any order are the same relations."""
    return sorted(value, key=str) if isinstance(value, list) else value


def words_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", "".join(b[j1:j2])))
    return out


def plain(html: str) -> str:
    return " ".join(strip_tags(html or "").split())


def compare(old: Version | None, new: Version) -> Diff:
    model = new._model
    old_fields = fields_of(old) if old is not None else {}
    fields = [FieldChange(*v) for v in _shown(model, old_fields, fields_of(new)).values()]
    texts: list[TextChange] = []
    old_children = children_of(old) if old is not None else {}
    new_children = children_of(new)
    for child in {**old_children, **new_children}:
        before, after = old_children.get(child, []), new_children.get(child, [])
        noun = child._meta.verbose_name
        if child in (m.Translation, m.Transcript):
            for n in range(max(len(before), len(after))):
                a = before[n] if n < len(before) else {}
                b = after[n] if n < len(after) else {}
                label = b.get("label") or a.get("label") or f"{noun} {n + 1}"
                if plain(a.get("html", "")) != plain(b.get("html", "")):
                    texts.append(
                        TextChange(
                            f"{label} ({noun})",
                            words_diff(plain(a.get("html", "")), plain(b.get("html", ""))),
                        )
                    )
                for _name, (flabel, o, nw) in _shown(child, _meta(a), _meta(b)).items():
                    fields.append(FieldChange(f"{label}: {flabel}", o, nw))
        else:
            was = sorted(_describe(child, x) for x in before)
            now = sorted(_describe(child, x) for x in after)
            if was != now:
                fields.append(
                    FieldChange(
                        str(child._meta.verbose_name_plural).capitalize(),
                        "; ".join(was),
                        "; ".join(now),
                    )
                )
    return Diff(fields, texts)


def _meta(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in {"html", "pk", "document", "position"}}


def _describe(child, data: dict) -> str:
    if child is m.Membership:
        names = _names(m.Collection, [data.get("collection")])
        return names.get(str(data.get("collection")), f"#{data.get('collection')}")
    return str(data.get("name") or data.get("label") or data.get("file") or data.get("pk"))
