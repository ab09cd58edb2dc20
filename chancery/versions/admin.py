"""Versions, diffs, revert, review and roles in the back office.

:class:`Versioned` is mixed into every editorial admin (corpus/admin.py): each save is an
attributed version (django-reversion), the History page lists the versions with who made
them, a field-by-field and word-by-word diff, and a one-click revert. :class:`Reviewed` adds
the review workflow to documents: who may set which status, changes to published documents
held for review, comments, and the collections an account may work in (roles.py).
"""

from __future__ import annotations

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from reversion.models import Version

from chancery import audit
from chancery.audit.admin import ReadOnlyAdminMixin
from chancery.corpus import models as m
from chancery.oai.models import Tombstone

from . import context, history, roles
from .diff import compare
from .models import CollectionScope, ImportSource, ReviewComment, RevisionInfo

NOTE_HELP = "Optional. Shown to readers on the record page, e.g. 'date corrected'."


class Versioned(admin.ModelAdmin):
    """Every save an attributed version; History with diffs and revert. Mixed in before
    the admin's other bases (corpus/admin.py)."""

    object_history_template = "versions/object_history.html"

    def extra_form_fields(self) -> dict:
        return {
            "public_note": forms.CharField(
                label="Public note", max_length=300, required=False, help_text=NOTE_HELP
            )
        }

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.get("form", self.form)
        kwargs["form"] = type(base.__name__, (base,), self.extra_form_fields())
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not any("public_note" in fs[1].get("fields", ()) for fs in fieldsets):
            fieldsets.append(("This change", {"fields": self.change_fields(request, obj)}))
        return fieldsets

    def change_fields(self, request, obj) -> list[str | list[str] | tuple[str, ...] | tuple[()]]:
        return ["public_note"]

    def save_model(self, request, obj, form, change):
        context.update(note=form.cleaned_data.get("public_note", ""))
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message())
        return entry

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment("Created")
        return entry

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        held = obj is not None and self.held_for_review(request, obj)
        state = RevisionInfo.PENDING if held else RevisionInfo.APPLIED
        with transaction.atomic():
            if obj is not None:
                history.ensure_baseline(obj)
            event = "edit" if obj else "create"
            with context.revision_info(state=state, event=event), reversion.create_revision():
                reversion.set_user(request.user)
                response = super().changeform_view(request, object_id, form_url, extra_context)
            if held and response.status_code == 302:
                self.hold(request, obj)
        return response

    # -- a collection-limited account sees and edits only its collections -----------------
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.model is m.Collection:
            scope = roles.scope_of(request.user)
            if scope is not None:
                qs = qs.filter(pk__in=scope)
        return qs

    def _in_scope(self, request, obj) -> bool:
        """A collection is the account's to change or delete if it is in its scope."""
        if obj is None or self.model is not m.Collection:
            return True
        scope = roles.scope_of(request.user)
        return scope is None or obj.pk in scope

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def changelist_view(self, request, extra_context=None):
        """Edits in the list itself (``list_editable``) are versions too; actions make
        their own, one per record."""
        if request.method != "POST" or "action" in request.POST:
            return super().changelist_view(request, extra_context)
        with context.revision_info(event="edit"), reversion.create_revision():
            reversion.set_user(request.user)
            return super().changelist_view(request, extra_context)

    def held_for_review(self, request, obj) -> bool:
        return False

    def hold(self, request, obj) -> None:
        pass

    def delete_model(self, request, obj):
        audit.record("delete", request=request, target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record("delete", request=request, target=obj)
        super().delete_queryset(request, queryset)

    # -- history, diff, revert ------------------------------------------------------------
    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/<int:version_id>/",
                view(self.version_view),
                name="{}_{}_version".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/reject/",
                view(self.reject_view),
                name="{}_{}_reject".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/revert/",
                view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = list(history.versions_of(obj))
        rows = []
        for n, version in enumerate(versions, 1):
            info = getattr(version.revision, "info", None)
            rows.append(
                {
                    "n": n,
                    "version": version,
                    "info": info,
                    "author": info.author if info else _user(version.revision),
                }
            )
        context_ = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "opts": self.model._meta,
            "object": obj,
            "rows": list(reversed(rows)),
            "can_revert": self.can_revert(request, obj),
        }
        return TemplateResponse(request, self.object_history_template, context_)

    def version_view(self, request, object_id, version_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = list(history.versions_of(obj))
        version = next((v for v in versions if v.pk == version_id), None)
        if version is None:
            raise PermissionDenied
        n = versions.index(version)
        against = "current" if request.GET.get("against") == "current" else "previous"
        if against == "current":
            diff = compare(version, versions[-1])
        else:
            diff = compare(versions[n - 1] if n else None, version)
        info = getattr(version.revision, "info", None)
        context_ = {
            **self.admin_site.each_context(request),
            "title": f"Version {n + 1} of {obj}",
            "opts": self.model._meta,
            "object": obj,
            "version": version,
            "number": n + 1,
            "latest": n + 1 == len(versions),
            "info": info,
            "author": info.author if info else _user(version.revision),
            "diff": diff,
            "against": against,
            "can_revert": self.can_revert(request, obj),
            "can_publish_pending": info is not None
            and info.state == RevisionInfo.PENDING
            and roles.can_publish(request.user),
        }
        return TemplateResponse(request, "versions/version.html", context_)

    def can_revert(self, request, obj) -> bool:
        return self.has_change_permission(request, obj)

    def reject_view(self, request, object_id, version_id):
        """A reviewer returns a held change to its editor, with a comment; the record
        stays as it is."""
        obj = self.get_object(request, unquote(object_id))
        if request.method != "POST" or obj is None or not roles.can_publish(request.user):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        info = getattr(version.revision, "info", None)
        if info is None or info.state != RevisionInfo.PENDING:
            raise PermissionDenied
        RevisionInfo.objects.filter(pk=info.pk).update(state=RevisionInfo.REJECTED)
        _review_comment(request, obj, "returned to the editor")
        messages.success(request, "The change was returned to its editor.")
        return self._back_to(obj)

    def _back_to(self, obj) -> HttpResponseRedirect:
        """The record's change form."""
        meta = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        )

    def revert_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseRedirect("../")
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        info: RevisionInfo | None = getattr(version.revision, "info", None)
        approving = info is not None and info.state == RevisionInfo.PENDING
        if approving:
            if not roles.can_publish(request.user):
                raise PermissionDenied
        elif not self.can_revert(request, obj):
            raise PermissionDenied
        note = request.POST.get("public_note", "")[:300]
        if approving and info is not None:
            note = note or info.note
        with transaction.atomic():
            history.revert(
                version, request.user, note=note, event="approve" if approving else "revert"
            )
            if approving and info is not None:
                RevisionInfo.objects.filter(pk=info.pk).update(state=RevisionInfo.APPROVED)
                if _review_comment(request, obj, "approved"):
                    audit.record("publish", request=request, target=obj, detail="change approved")
        messages.success(request, "Change published." if approving else "Reverted.")
        return self._back_to(obj)


def _review_comment(request, obj, action: str) -> bool:
    """The reviewer's decision (and the form's comment) in a document's review comments."""
    if not isinstance(obj, m.Document):
        return False
    ReviewComment.objects.create(
        document=obj, author=request.user, action=action, text=request.POST.get("comment", "")
    )
    return True


def _user(revision) -> str:
    return revision.user.get_username() if revision.user else "unknown"


class AwaitingReview(admin.SimpleListFilter):
    """Documents in review, or published with a change held for review."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("waiting", "Awaiting review (in review, or a held change)")]

    def queryset(self, request, queryset):
        if self.value() != "waiting":
            return queryset
        held = Version.objects.filter(
            content_type__app_label="corpus",
            content_type__model="document",
            revision__info__state=RevisionInfo.PENDING,
        ).values("object_id")
        return queryset.filter(
            Q(status=m.Document.REVIEW)
            | Q(pk__in=held.annotate(n=Cast("object_id", BigIntegerField())).values("n"))
        )


class Reviewed(Versioned):
    """The document workflow: draft → in review → published, by role and collection scope."""

    readonly_review = ["review_history"]

    def change_fields(self, request, obj):
        return ["public_note", "review_comment"]

    def extra_form_fields(self) -> dict:
        return {
            **super().extra_form_fields(),
            "review_comment": forms.CharField(
                label="Comment for the review",
                required=False,
                widget=forms.Textarea({"rows": 2}),
                help_text="Seen by editors and reviewers, not by readers.",
            ),
        }

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "status" in form.base_fields:
            allowed = roles.statuses_for(request.user, obj)
            field = form.base_fields["status"]
            field.choices = [c for c in field.choices if c[0] in allowed]
        return form

    def get_list_filter(self, request):
        return [AwaitingReview, *super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "review_history"]
        if obj is not None and obj.is_published and not roles.can_publish(request.user):
            fields.append("status")  # a change goes to review; the record stays public
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            fieldsets = [*fieldsets, ("Review", {"fields": ["review_history"]})]
        return fieldsets

    @admin.display(description="Review")
    def review_history(self, obj):
        pending = RevisionInfo.objects.filter(
            state=RevisionInfo.PENDING,
            revision__version__content_type__model="document",
            revision__version__object_id=str(obj.pk),
        ).select_related("revision__user")
        items = [
            (
                f"{c.created_at:%Y-%m-%d %H:%M} {c.author or 'unknown'} — {c.action}",
                f": {c.text}" if c.text else "",
            )
            for c in obj.review_comments.select_related("author")
        ]
        parts = []
        if pending:
            parts.append(
                format_html_join(
                    "",
                    "<p><strong>A change awaits review</strong> (by {}, note: “{}”): "
                    '<a href="{}">see it and publish it</a>.</p>',
                    (
                        (
                            p.revision.user,
                            p.note,
                            reverse(
                                "admin:corpus_document_version",
                                args=[
                                    obj.pk,
                                    p.revision.version_set.get(
                                        content_type__model="document", object_id=str(obj.pk)
                                    ).pk,
                                ],
                            ),
                        )
                        for p in pending
                    ),
                )
            )
        if items:
            parts.append(format_html("<ul>{}</ul>", format_html_join("", "<li>{}{}</li>", items)))
        if not parts:
            return "No comments yet."
        return format_html_join("", "{}", ((part,) for part in parts))  # each already escaped

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = m.Document.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        if obj.status not in roles.statuses_for(request.user, obj if change else None):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        comment = form.cleaned_data.get("review_comment", "")
        action = ""
        if before != obj.status:
            action = {
                m.Document.PUBLISHED: "published",
                m.Document.REVIEW: "submitted",
                m.Document.DRAFT: "returned to draft",
            }[obj.status]
            if obj.status == m.Document.PUBLISHED or before == m.Document.PUBLISHED:
                context.update(event="publish" if obj.is_published else "unpublish")
                note = form.cleaned_data.get("public_note", "")
                if before == m.Document.PUBLISHED and note:  # the 410 page says why
                    Tombstone.objects.filter(identifier=obj.public_id).update(reason=note)
                audit.record(
                    "publish" if obj.is_published else "unpublish", request=request, target=obj
                )
        if action or comment:
            ReviewComment.objects.create(
                document=obj, author=request.user, action=action or "comment", text=comment
            )

    def held_for_review(self, request, obj) -> bool:
        return obj.is_published and not roles.can_publish(request.user)

    def hold(self, request, obj) -> None:
        """Keep the public record as it was: the change just saved waits for a reviewer."""
        versions = history.versions_of(obj)
        last = versions.filter(revision__info__state=RevisionInfo.APPLIED).last()
        pending = versions.last()
        if last is None or pending is None or pending.pk == last.pk:
            return
        history.restore(last)
        # nothing public changed: harvesters keep the datestamp they have
        m.Document.objects.filter(pk=obj.pk).update(updated_at=obj.updated_at)
        ReviewComment.objects.create(
            document=obj,
            author=request.user,
            action="submitted",
            text=getattr(pending.revision.info, "note", ""),
        )
        messages.info(request, "Your change awaits review: a reviewer will publish it.")

    # -- roles and scope ------------------------------------------------------------------
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = roles.scope_of(request.user)
        if scope is not None:
            qs = qs.filter(membership__collection__in=scope).distinct()
        return qs

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        if not roles.in_scope(request.user, obj):
            return False
        return roles.can_edit_status(request.user, obj.status)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not roles.in_scope(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def can_revert(self, request, obj) -> bool:
        if obj.is_published:
            return roles.can_publish(request.user) and roles.in_scope(request.user, obj)
        return self.has_change_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is m.Membership:
            scope = roles.scope_of(request.user)
            if scope is not None:
                for f in formset.forms:
                    coll = f.cleaned_data.get("collection") if f.has_changed() else None
                    if coll is not None and coll.pk not in scope:
                        raise PermissionDenied
        super().save_formset(request, form, formset, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not roles.can_publish(request.user):
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions


@admin.register(ImportSource)
class ImportSourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "name", "file", "format", "sha256"]
    search_fields = ["name", "file", "sha256"]


class ScopeForm(forms.ModelForm):
    class Meta:
        model = CollectionScope
        fields = ["user", "collections"]


@admin.register(CollectionScope)
class CollectionScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "collection_list"]
    autocomplete_fields = ["collections"]
    form = ScopeForm

    @admin.display(description="Collections (and all below them)")
    def collection_list(self, obj):
        return "; ".join(c.title for c in obj.collections.all())


def save_as_version(request, document, event: str) -> None:
    """Save a document (a publish or unpublish action) as an attributed version, logged."""
    with transaction.atomic():
        history.ensure_baseline(m.Document.objects.get(pk=document.pk))
        with context.revision_info(event=event), reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment("Published" if event == "publish" else "Returned to draft")
            document.save()
        ReviewComment.objects.create(
            document=document,
            author=request.user,
            action="published" if event == "publish" else "unpublished",
        )
        audit.record(event, request=request, target=document)
