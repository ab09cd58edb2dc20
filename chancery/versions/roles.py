"""The four roles of the back office, and the collections an account may work in.

========================  =========================================================
Contributor               adds and edits drafts; cannot submit, publish or delete
Editor                    edits everything (a change to a published record waits for
                          review), submits drafts for review, corrects machine-read
                          text, sees the job queue; cannot publish or delete
Reviewer                  everything an editor does, and publishes and unpublishes
Administrator             everything, including deleting, accounts and the audit log
========================  =========================================================

Groups and their permissions are made by a data migration (a frozen copy of these rules) and
by ``chancery createuser --role``. A :class:`~.models.CollectionScope` limits an account to
some collections and everything below them.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from chancery.corpus import models as m

CONTRIBUTOR, EDITOR, REVIEWER, ADMINISTRATOR = "contributor", "editor", "reviewer", "administrator"
#: role -> group name ("Editors" is the group older archives already have)
GROUPS = {
    CONTRIBUTOR: "Contributors",
    EDITOR: "Editors",
    REVIEWER: "Reviewers",
    ADMINISTRATOR: "Administrators",
}
ROLES = list(GROUPS)

DOCUMENT_PARTS = ("document", "translation", "transcript", "scan", "membership")
#: an editor reads and corrects machine-read text (ocr/correction.py)
OCR_CORRECTING = ("view_machinetext", "change_machinetext")


def permissions_for(role: str) -> Q:
    """The permissions a role's group holds, as a filter on Permission."""
    corpus = Q(content_type__app_label="corpus")
    view = corpus & Q(codename__startswith="view_")
    parts = corpus & Q(content_type__model__in=DOCUMENT_PARTS)
    if role == CONTRIBUTOR:
        authorities_add = corpus & Q(codename__startswith="add_")
        return view | (parts & ~Q(codename__startswith="delete_")) | authorities_add
    editing = corpus & ~Q(codename__startswith="delete_")
    # an editor may remove a text layer, scan or membership from a document, not a record
    editing |= parts & Q(codename__startswith="delete_") & ~Q(content_type__model="document")
    submit = Q(content_type__app_label="versions", codename="submit_document")
    history = Q(content_type__app_label="versions", codename__startswith="view_")
    # the job queue (is the scan read yet?) and machine-read text to correct (#17)
    history |= Q(content_type__app_label="jobs", codename="view_job")
    history |= Q(content_type__app_label="ocr", codename__in=OCR_CORRECTING)
    if role == EDITOR:
        return editing | submit | history
    publish = Q(content_type__app_label="versions", codename="publish_document")
    if role == REVIEWER:
        return editing | submit | publish | history
    return Q(
        content_type__app_label__in=[
            "corpus",
            "versions",
            "auth",
            "audit",
            "ingest",
            "oai",
            "reversion",
            "jobs",
            "ocr",
        ]
    )


def ensure_groups(group_model=Group, permission_model=Permission) -> dict[str, Group]:
    """Create (or bring up to date) the four groups; returns role -> group."""
    groups = {}
    for role, name in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(permission_model.objects.filter(permissions_for(role)))
        groups[role] = group
    return groups


def can_publish(user) -> bool:
    return user.is_active and user.has_perm("versions.publish_document")


def can_submit(user) -> bool:
    return user.is_active and user.has_perm("versions.submit_document")


def statuses_for(user, obj=None) -> set[str]:
    """The statuses ``user`` may give a document (``obj``: the document as it is)."""
    allowed = {m.Document.DRAFT}
    if can_submit(user):
        allowed.add(m.Document.REVIEW)
    if can_publish(user):
        allowed.add(m.Document.PUBLISHED)
    if obj is not None and obj.pk is not None:
        allowed.add(obj.status)  # unchanged is always allowed (an edit held for review)
    return allowed


def can_edit_status(user, status: str) -> bool:
    """Contributors edit drafts only; editors and up edit anything in their scope."""
    return status == m.Document.DRAFT or can_submit(user) or can_publish(user)


def scope_of(user) -> set[int] | None:
    """The collections ``user`` may work in (each with all below it), or None: all."""
    if user.is_superuser:
        return None
    if hasattr(user, "_chancery_scope"):
        cached: set[int] | None = user._chancery_scope
        return cached
    from .models import CollectionScope

    scope = CollectionScope.objects.filter(user_id=user.pk).first()
    result: set[int] | None = None
    if scope is not None:
        roots = set(scope.collections.values_list("pk", flat=True))
        parents = dict(m.Collection.objects.values_list("pk", "parent_id"))
        result = set()
        for pk in parents:
            node: int | None = pk
            seen: set[int] = set()
            while node is not None and node not in seen:
                if node in roots:
                    result.add(pk)
                    break
                seen.add(node)
                node = parents.get(node)
    user._chancery_scope = result
    return result


def in_scope(user, document) -> bool:
    scope = scope_of(user)
    if scope is None:
        return True
    if document.pk is None:
        return True
    collections = set(
        m.Membership.objects.filter(document=document).values_list("collection_id", flat=True)
    )
    return bool(collections) and collections <= scope
