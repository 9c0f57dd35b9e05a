from django.contrib import admin

from mamori.policies.models import PolicyDocument, ReviewTrigger, SectionLink, StandardSection


@admin.register(StandardSection)
class StandardSectionAdmin(admin.ModelAdmin[StandardSection]):
    list_display = ["code", "title", "parent", "guideline_version", "is_active"]
    list_filter = ["is_active", "guideline_version"]
    search_fields = ["code", "title"]


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin[PolicyDocument]):
    # Read-only: versions change only through the approval workflow in the policy pages.
    list_display = ["title", "layer", "body", "owner_unit", "audience"]
    list_filter = ["layer", "audience", "body"]
    search_fields = ["title"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ReviewTrigger)
class ReviewTriggerAdmin(admin.ModelAdmin[ReviewTrigger]):
    list_display = ["raised_at", "standard_section", "reason", "resolved_at"]
    list_filter = ["resolved_at"]


@admin.register(SectionLink)
class SectionLinkAdmin(admin.ModelAdmin[SectionLink]):
    list_display = ["kind", "standard_section", "document", "target_type", "target_id"]
    list_filter = ["kind"]
