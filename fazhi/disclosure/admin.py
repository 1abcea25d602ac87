"""Admin for disclosure reference data; requests themselves change only through the workflow."""

from django.contrib import admin

from fazhi.core.admin import AuditedAdmin
from fazhi.disclosure.models import AnnualReport, DisclosureReview, ProactiveRecord


@admin.register(ProactiveRecord)
class ProactiveRecordAdmin(AuditedAdmin):
    list_display = ["title", "unit", "published_on", "channel", "record_type", "quantity"]
    list_filter = ["channel", "record_type"]
    search_fields = ["title", "document_number", "category"]
    date_hierarchy = "published_on"


@admin.register(DisclosureReview)
class DisclosureReviewAdmin(AuditedAdmin):
    list_display = ["case_number", "unit", "year", "kind", "result"]
    list_filter = ["year", "kind", "result"]
    raw_id_fields = ["request"]


@admin.register(AnnualReport)
class AnnualReportAdmin(AuditedAdmin):
    list_display = ["unit", "year", "finalised_at"]
    readonly_fields = ["carried_forward_ids", "finalised_at", "finalised_by"]
