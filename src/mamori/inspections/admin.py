"""Admin views for support staff; day-to-day work happens in the app's own pages and services."""

from __future__ import annotations

from django.contrib import admin

from mamori.inspections.models import (
    AuditItem,
    AuditPlan,
    CatalogueVersion,
    ChecklistItem,
    CorrectiveAction,
    Finding,
)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("code", "section", "respondent_type", "is_priority", "requires_evidence", "is_active")
    list_filter = ("respondent_type", "is_active", "is_priority", "is_local")
    search_fields = ("code", "question")


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ("guideline_version", "title", "is_current", "created_at")


@admin.register(AuditItem)
class AuditItemAdmin(admin.ModelAdmin):
    list_display = ("code", "section", "title", "is_priority", "is_active")
    search_fields = ("code", "title")


@admin.register(AuditPlan)
class AuditPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "fiscal_year", "status", "starts_on", "ends_on")


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "unit", "section", "severity", "status")
    list_filter = ("source", "severity", "status")


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(admin.ModelAdmin):
    list_display = ("description", "owner", "due_on", "status")
    list_filter = ("status",)
