"""Admin for the appeals reference data: matters, knowledge answers, deadline policies."""

from django.contrib import admin

from fazhi.appeals.models import AutoDispatchPolicy, DeadlinePolicy, KnowledgeAnswer, Matter, MatterChange
from fazhi.core.admin import AuditedAdmin


class MatterChangeInline(admin.TabularInline):
    model = MatterChange
    extra = 0
    can_delete = False
    readonly_fields = ["version", "at", "actor", "reason", "before", "after", "case"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Matter)
class MatterAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "category", "responsible_unit", "street_level", "version", "active"]
    list_filter = ["level", "category", "street_level", "active"]
    search_fields = ["code", "name", "keywords"]
    autocomplete_fields = ["parent", "responsible_unit"]
    inlines = [MatterChangeInline]


@admin.register(KnowledgeAnswer)
class KnowledgeAnswerAdmin(AuditedAdmin):
    list_display = ["question", "matter", "updated_at"]
    search_fields = ["question", "answer", "keywords"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(AuditedAdmin):
    list_display = ["appeal_type", "urgency", "amount", "unit"]


@admin.register(AutoDispatchPolicy)
class AutoDispatchPolicyAdmin(admin.ModelAdmin):
    """Read-only here: switching auto-dispatch on goes through the assessment page, which records it."""

    list_display = ["approved_at", "enabled", "threshold", "model_version", "approved_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
