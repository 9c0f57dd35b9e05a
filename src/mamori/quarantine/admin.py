"""Read-only admin views of the quarantine (changes go through services and the quarantine pages)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mamori.quarantine.models import QuarantinedMessage, ReleaseRequest


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(QuarantinedMessage)
class QuarantinedMessageAdmin(ReadOnlyAdmin):
    list_display = ["reference", "received_at", "envelope_from", "subject", "verdict", "status", "legal_hold"]
    list_filter = ["status", "verdict", "has_held", "legal_hold"]
    search_fields = ["reference", "message_id", "envelope_from", "subject"]
    exclude = ["original_address"]


@admin.register(ReleaseRequest)
class ReleaseRequestAdmin(ReadOnlyAdmin):
    list_display = ["message", "attachment", "action", "status", "requested_by", "decided_by", "requested_at"]
    list_filter = ["status", "action", "auto_approved"]
