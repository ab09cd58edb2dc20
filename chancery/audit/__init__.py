"""The audit log: who logged in (or failed to), published, deleted, merged or exported what.

Other apps call :func:`record`::

    from chancery import audit

    audit.record("merge", request=request, target=kept, detail=f"merged {gone} into it")

Only administrators can read the log (admin: Audit log) and export it as CSV.
See docs/versions.md, "The audit log".
"""

from __future__ import annotations


def record(action: str, *, request=None, user=None, target=None, detail: str = ""):
    """Write one entry: ``action`` (login, login failed, publish, unpublish, delete, merge,
    export …), by ``user`` (or the request's user), about ``target`` (a model instance or a
    string), with a free-text ``detail``. Returns the entry. Never raises on a missing user."""
    from .models import AuditEvent

    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    ip = ""
    if request is not None:
        ip = request.META.get("REMOTE_ADDR", "") or ""
    label = kind = ""
    if target is not None:
        if hasattr(target, "_meta"):
            kind = target._meta.label_lower
            label = f"{target} (#{target.pk})"
        else:
            label = str(target)
    return AuditEvent.objects.create(
        action=action[:40],
        user=user,
        username=(user.get_username() if user is not None else "")[:150],
        ip=ip[:45],
        target_type=kind[:100],
        target=label[:300],
        detail=detail[:2000],
    )
