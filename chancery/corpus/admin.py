"""The editors' back office: every model, with inlines, search and filters."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import BaseModelAdmin
from django.db import models as db_models
from django.utils import timezone

from chancery.versions.admin import Reviewed, Versioned, save_as_version

from . import models
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


@admin.register(models.Agent)
class AgentAdmin(AuthorityAdmin):
    list_display = ["name", "kind", "dates"]
    list_filter = ["kind"]
    search_fields = ["name", "variants__name"]
    inlines = [AgentVariantInline]


@admin.register(models.Place)
class PlaceAdmin(AuthorityAdmin):
    list_display = ["name", "parent", "latitude", "longitude"]
    search_fields = ["name", "variants__name"]
    autocomplete_fields = ["parent"]
    inlines = [PlaceVariantInline]


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
