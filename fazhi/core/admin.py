"""Django admin for reference data; every save and delete is written to the audit log."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from fazhi.core import audit
from fazhi.core.models import AuditEntry, Holiday, HolidayYear, Membership, OrgUnit, User


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(action="admin.changed" if change else "admin.added", actor=request.user,
                     target=f"{obj._meta.label}:{obj.pk}", details={"fields": list(form.changed_data)})

    def delete_model(self, request, obj):
        audit.record(action="admin.deleted", actor=request.user, target=f"{obj._meta.label}:{obj.pk}")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(action="admin.deleted", actor=request.user, target=f"{obj._meta.label}:{obj.pk}")
        super().delete_queryset(request, queryset)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "is_active", "locked_until"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("fazhi", {"fields": ("display_name", "phone")}))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(action="admin.changed" if change else "admin.added", actor=request.user,
                     target=f"core.User:{obj.pk}", details={"fields": list(form.changed_data)})

    def save_formset(self, request, form, formset, change):
        """Role grants arrive through the memberships inline: audit each one."""
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects + [o for o, _ in formset.changed_objects]:
            audit.record(action="admin.membership_saved", actor=request.user, target=f"core.User:{obj.user_id}",
                         details={"unit": obj.unit_id, "role": obj.role})
        for obj in formset.deleted_objects:
            audit.record(action="admin.membership_deleted", actor=request.user, target=f"core.User:{obj.user_id}",
                         details={"unit": obj.unit_id, "role": obj.role})


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["name", "code", "level", "parent", "is_centre"]
    list_filter = ["level", "is_centre"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(HolidayYear)
class HolidayYearAdmin(AuditedAdmin):
    list_display = ["year", "note", "loaded_at"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only even for administrators."""

    list_display = ["seq", "at", "actor", "action", "target"]
    list_filter = ["action"]
    search_fields = ["actor", "target", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
