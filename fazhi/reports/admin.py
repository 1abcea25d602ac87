"""Admin for the report register: read-mostly; corrections of unit and year are audited."""

from django.contrib import admin

from fazhi.core.admin import AuditedAdmin
from fazhi.reports.models import ReportDocument


@admin.register(ReportDocument)
class ReportDocumentAdmin(AuditedAdmin):
    list_display = ["unit_name", "year", "source_format", "original_filename", "imported_by", "imported_at"]
    list_filter = ["year", "source_format"]
    search_fields = ["unit_name", "original_filename", "sha256"]
    autocomplete_fields = ["unit"]
    # The text, hash and analysis belong together; editing one by hand would make them disagree.
    readonly_fields = [
        "source_format",
        "original_filename",
        "sha256",
        "text",
        "analysis",
        "imported_by",
        "imported_at",
    ]
