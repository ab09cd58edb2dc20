"""The editors' back office: every model, with inlines, search and filters."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import BaseModelAdmin
from django.db import models as db_models
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from chancery import audit
from chancery.versions.admin import Reviewed, Versioned, save_as_version

from . import authority, models
from .relations import related
from .text import validate_xml_chars


class TypedText(BaseModelAdmin):
    """Typed text with control characters is refused with a message, not silently changed.

    (The save hook in :mod:`.text` would strip them; an editor should see that first.)
    Every admin and inline of the archive mixes this in; a test checks none is missed.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.CharField):
            field.validators.append(validate_xml_chars)
        return field


class AuthorityAdmin(Versioned, TypedText, admin.ModelAdmin):
    formfield_overrides = {db_models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


for _model in [
    models.Subject,
    models.Publisher,
    models.DocumentType,
    models.Classification,
    models.Donor,
]:
    admin.site.register(_model, AuthorityAdmin)


@admin.register(models.Rights)
class RightsAdmin(AuthorityAdmin):
    list_display = ["name", "url"]


@admin.register(models.Repository)
class RepositoryAdmin(AuthorityAdmin):
    list_display = ["name", "location"]


@admin.register(models.Language)
class LanguageAdmin(Versioned, TypedText, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class AgentVariantInline(TypedText, admin.TabularInline):
    model = models.AgentVariant
    extra = 1


class PlaceVariantInline(TypedText, admin.TabularInline):
    model = models.PlaceVariant
    extra = 1


class OfficeInline(TypedText, admin.TabularInline):
    model = models.Office
    extra = 0


class RelationInline(TypedText, admin.TabularInline):
    """Relations from this record to another (ISAAR(CPF) 5.3)."""

    model = models.AgentRelation
    fk_name = "agent"
    autocomplete_fields = ["other"]
    extra = 0
    verbose_name = "relation to another person or organisation"
    verbose_name_plural = "relations to other people and organisations"


class InverseRelationInline(RelationInline):
    """Relations another record holds to this one (shown inverted on the public page)."""

    fk_name = "other"
    autocomplete_fields = ["agent"]
    fields = ["agent", "relation_type", "dates", "description", "source"]
    verbose_name = "relation from another person or organisation"
    verbose_name_plural = "relations from other records (type: what this record is to them)"


class MergeSplitAdmin(AuthorityAdmin):
    """Merge selected records (the one with most documents survives) and split one."""

    actions = ["merge_selected"]
    change_form_template = "admin/corpus/authority_change_form.html"

    def _documents(self, obj) -> int:
        return len(authority._documents(type(obj), [obj.pk]))

    @admin.action(description="Merge the selected records into one")
    def merge_selected(self, request, queryset):
        records = list(queryset)
        if len(records) < 2:
            messages.error(request, "Select two or more records to merge.")
            return
        survivor = max(records, key=lambda r: (self._documents(r), -r.pk))
        moved = authority.merge(survivor, records)
        others = ", ".join(r.name for r in records if r.pk != survivor.pk)
        audit.record("merge", request=request, target=survivor, detail=f"merged {others} into it")
        messages.success(
            request, f"Merged {others} into {survivor.name} ({len(moved)} documents moved)."
        )

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path("<int:pk>/split/", self.admin_site.admin_view(self.split_view),
                 name="{}_{}_split".format(*info)),
        ] + super().get_urls()  # fmt: skip

    def split_view(self, request, pk):
        record = get_object_or_404(self.model, pk=pk)
        if not self.has_change_permission(request, record):
            return redirect("admin:index")
        relations = authority.KINDS[self.model][0]
        documents = models.Document.objects.filter(pk__in=authority._documents(self.model, [pk]))
        error = ""
        if request.method == "POST":
            name = " ".join(request.POST.get("name", "").split())
            chosen = [int(v) for v in request.POST.getlist("documents") if v.isdigit()]
            if not name:
                error = "Give the new record a name."
            elif not chosen:
                error = "Choose the documents that belong to the new record."
            else:
                moved = [int(v) for v in request.POST.getlist("relations") if v.isdigit()]
                new = authority.split(record, name, chosen, request.POST.getlist("variants"), moved)
                audit.record("split", request=request, target=record,
                             detail=f"{len(chosen)} documents split off as {new.name}")  # fmt: skip
                messages.success(request, f"Split {len(chosen)} documents off as {new.name}.")
                info = self.model._meta.app_label, self.model._meta.model_name
                return redirect(reverse("admin:{}_{}_change".format(*info), args=[new.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "original": record, "title": f"Split {record.name}",
            "documents": documents.order_by("public_id"), "variants": record.variants.all(),
            "relations": relations, "error": error,
            "agent_relations": related(record) if self.model is models.Agent else [],
        }  # fmt: skip
        return render(request, "admin/corpus/split.html", context, status=400 if error else 200)


@admin.register(models.Agent)
class AgentAdmin(MergeSplitAdmin):
    list_display = ["name", "kind", "dates", "sort_key"]
    list_filter = ["kind"]
    search_fields = ["name", "variants__name"]
    inlines = [AgentVariantInline, OfficeInline, RelationInline, InverseRelationInline]


@admin.register(models.Place)
class PlaceAdmin(MergeSplitAdmin):
    list_display = ["name", "parent", "geonames", "latitude", "longitude"]
    search_fields = ["name", "variants__name"]
    autocomplete_fields = ["parent"]
    inlines = [PlaceVariantInline]


class ReviewAdmin(TypedText, admin.ModelAdmin):
    """The pairs reconciliation could not decide: approve merges, reject keeps apart."""

    list_display = ["candidate", "record", "reason", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["record__name", "candidate__name"]
    actions = ["approve", "reject"]
    autocomplete_fields = ["record", "candidate"]

    @admin.action(description="Approve: merge each candidate into its record")
    def approve(self, request, queryset):
        done = 0
        for review in queryset.filter(status=models.AgentReview.OPEN):
            model = type(review.record)
            record = model.objects.filter(pk=review.record_id).first()
            candidate = model.objects.filter(pk=review.candidate_id).first()
            if record is None or candidate is None:
                continue
            authority.merge(record, [candidate])
            audit.record("merge", request=request, target=record,
                         detail=f"merged {candidate} into it (review list)")  # fmt: skip
            type(review).objects.filter(pk=review.pk).update(status=models.AgentReview.MERGED)
            done += 1
        messages.success(request, f"Merged {done} pairs.")

    @admin.action(description="Reject: keep each pair apart")
    def reject(self, request, queryset):
        n = queryset.update(status=models.AgentReview.REJECTED)
        messages.success(request, f"Kept {n} pairs apart.")


admin.site.register(models.AgentReview, ReviewAdmin)
admin.site.register(models.PlaceReview, ReviewAdmin)


@admin.register(models.Office)
class OfficeAdmin(TypedText, admin.ModelAdmin):
    list_display = ["title", "dates", "agent", "source"]
    search_fields = ["title", "agent__name"]
    autocomplete_fields = ["agent"]


@admin.register(models.AgentRelation)
class AgentRelationAdmin(TypedText, admin.ModelAdmin):
    """Every relation between people and organisations (also edited inline on each)."""

    list_display = ["agent", "relation_type", "other", "dates", "source"]
    list_filter = ["relation_type"]
    search_fields = ["agent__name", "other__name", "description"]
    autocomplete_fields = ["agent", "other"]


@admin.register(models.AgentRedirect, models.PlaceRedirect)
class RedirectAdmin(TypedText, admin.ModelAdmin):
    """The old addresses of merged records (a split gives an address back)."""

    list_display = ["old_slug", "__str__"]
    search_fields = ["old_slug"]


@admin.register(models.Collection)
class CollectionAdmin(Versioned, TypedText, admin.ModelAdmin):
    list_display = ["title", "level", "identifier", "parent", "position", "featured"]
    list_filter = ["level", "featured"]
    list_editable = ["position", "featured"]
    search_fields = ["title", "printed_title", "identifier", "short_description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "position", "featured"]}),
        (
            "Archival description",
            {
                "fields": [
                    "level",
                    "identifier",
                    "printed_title",
                    "short_title",
                    "dates",
                    "extent",
                    "scope_content",
                    "arrangement",
                    "finding_aid_url",
                ]
            },
        ),  # fmt: skip
        ("Presentation", {"fields": ["short_description", "introduction", "image"]}),
    ]


@admin.register(models.CollectionSlug)
class CollectionSlugAdmin(TypedText, admin.ModelAdmin):
    """Former addresses of collections: each redirects to the collection's page."""

    list_display = ["slug", "collection"]
    search_fields = ["slug", "collection__title"]
    autocomplete_fields = ["collection"]


class TranslationInline(TypedText, admin.StackedInline):
    model = models.Translation
    extra = 0
    fields = ["language", "label", "html", "file", "position"]


class TranscriptInline(TypedText, admin.StackedInline):
    model = models.Transcript
    extra = 0
    fields = ["language", "label", "html", "file", "position"]


class ScanInline(TypedText, admin.TabularInline):
    model = models.Scan
    extra = 0
    fields = ["label", "file", "position"]


class MembershipInline(TypedText, admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["collection"]


@admin.register(models.Document)
class DocumentAdmin(Reviewed, TypedText, admin.ModelAdmin):
    list_display = ["public_id", "title", "date_display", "doc_type", "status", "updated_at"]
    list_display_links = ["public_id", "title"]
    list_filter = ["status", "doc_type", "languages", "collections", "repositories"]
    search_fields = ["public_id", "title", "summary"]
    date_hierarchy = "date_earliest"
    readonly_fields = ["date_display", "date_earliest", "date_latest", "created_at",
                       "updated_at", "published_at"]  # fmt: skip
    autocomplete_fields = [
        "doc_type", "rights", "classifications", "donors", "subjects", "places", "languages",
        "creators", "contributors", "people", "repositories", "publishers", "related",
        "attached_to",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["public_id", "title", "summary", "status"]}),
        ("Date", {"fields": ["date", "date_display", "date_earliest", "date_latest"]}),
        ("Source", {"fields": ["source", "doc_type", "repositories", "rights",
                               "classifications", "donors", "publishers"]}),
        ("Description", {"fields": ["subjects", "places", "languages", "creators",
                                    "contributors", "people"]}),
        ("Relations", {"fields": ["related", "attached_to"]}),
        ("Record", {"fields": ["created_at", "updated_at", "published_at"]}),
    ]  # fmt: skip
    inlines = [MembershipInline, TranslationInline, TranscriptInline, ScanInline]
    actions = ["publish", "unpublish"]

    @admin.action(description="Publish the selected documents")
    def publish(self, request, queryset):
        # Saved one by one so the search index follows each change; each is a version.
        for document in queryset.exclude(status=models.Document.PUBLISHED):
            document.status = models.Document.PUBLISHED
            document.published_at = document.published_at or timezone.now()
            save_as_version(request, document, "publish")
        messages.success(request, "Published.")

    @admin.action(description="Return the selected documents to draft")
    def unpublish(self, request, queryset):
        for document in queryset.filter(status=models.Document.PUBLISHED):
            document.status = models.Document.DRAFT
            save_as_version(request, document, "unpublish")
        messages.success(request, "Returned to draft.")


admin.site.site_header = "Chancery back office"
admin.site.site_title = "Chancery"
admin.site.index_title = "Archive administration"
