from django.contrib import admin

from .models import MachineText


@admin.register(MachineText)
class MachineTextAdmin(admin.ModelAdmin):
    list_display = ("scan", "page", "source", "languages", "confidence", "updated_at")
    list_filter = ("source",)
    list_select_related = ("scan__document",)
    readonly_fields = ("scan", "page", "source", "languages", "confidence", "width", "height")
    fields = (*readonly_fields, "text")
    search_fields = ("scan__document__public_id", "text")

    def has_add_permission(self, request, obj=None) -> bool:
        return False
