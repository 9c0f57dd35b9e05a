"""Checks shared by the inspection services."""

from __future__ import annotations

from mamori.core.permissions import can, person_of
from mamori.inspections.errors import NotAllowed


def require(actor: object, action: str, obj: object | None = None) -> None:
    """Raise NotAllowed unless ``actor`` may do ``action`` (on ``obj``)."""
    if not can(actor, action, obj):
        raise NotAllowed("この操作を行う権限がありません。")


def person_or_refuse(actor: object) -> object:
    """Return the actor's person record or raise NotAllowed (contractor accounts have none)."""
    person = person_of(actor)
    if person is None:
        raise NotAllowed("職員として登録されていないアカウントでは操作できません。")
    return person
