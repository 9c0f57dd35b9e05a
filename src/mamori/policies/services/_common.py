"""What every policy service shares: the error type, the permission check and the change log."""

from __future__ import annotations

from django.contrib.auth.models import User

from mamori.core.permissions import can
from mamori.policies.models import (
    DocumentEvent,
    PolicyDocument,
    PolicyVersion,
)


class PolicyActionError(Exception):
    """A policy action that is not allowed now; ``message`` says why in Japanese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def acting_user(actor: object) -> User | None:
    """Return the acting account for a foreign key (None for the system and for demo loading)."""
    return actor if isinstance(actor, User) else None


def require_permission(actor: object, action: str, obj: object | None = None) -> None:
    if not can(actor, action, obj):
        raise PolicyActionError("forbidden", "この操作を行う権限がありません。")


def log_event(
    document: PolicyDocument,
    kind: str,
    *,
    actor: object,
    version: PolicyVersion | None = None,
    note: str = "",
) -> None:
    DocumentEvent.objects.create(
        document=document,
        version=version,
        kind=kind,
        note=note,
        actor=acting_user(actor),
    )
