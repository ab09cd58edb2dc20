"""The audit log in the back office: administrators read, filter and export it (CSV)."""

import csv

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from . import record
from .models import AuditEvent

COLUMNS = ["at", "action", "username", "ip", "target_type", "target", "detail"]


def is_administrator(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("audit.view_auditevent"))


class ReadOnlyAdminMixin:
    """A record nobody adds, changes or deletes in the admin (a log, an import run)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "action", "username", "target", "detail", "ip"]
    list_filter = ["action", "at"]
    search_fields = ["username", "target", "detail"]
    date_hierarchy = "at"
    change_list_template = "audit/change_list.html"

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export.csv", export, name="audit_auditevent_export"), *super().get_urls()]

    def export_view(self, request):
        """The entries the list shows (its filters and search), as CSV."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        entries = self.get_changelist_instance(request).get_queryset(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(COLUMNS)
        for entry in entries.iterator():
            row = [getattr(entry, c) for c in COLUMNS]
            row[0] = entry.at.isoformat()
            # a cell starting with = + - @ is a formula to a spreadsheet: quote it as text
            writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
        record("export", request=request, target="audit log", detail=f"{entries.count()} entries")
        return response
