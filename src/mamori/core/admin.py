from django.contrib import admin

from mamori.core.models import AuditEntry, Body, Person, Role, RoleAssignment, Unit


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "body", "parent", "is_active"]
    list_filter = ["body", "kind", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "full_name", "unit", "staff_type", "is_active"]
    list_filter = ["staff_type", "is_active", "unit__body"]
    search_fields = ["employee_number", "family_name", "given_name", "family_name_kana"]
    raw_id_fields = ["user"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["local_title", "code", "is_privileged", "order"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "unit", "starts_on", "ends_on"]
    list_filter = ["role"]
    raw_id_fields = ["person"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only view of the trail: nothing may be added, changed or deleted here."""

    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
