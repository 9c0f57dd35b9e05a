"""Who may do what: one answer, derived from role assignments and the object's organisation unit.

Rules are data: each app registers ``{action: {role codes}}`` from its AppConfig.ready. Two pseudo-roles
exist besides the canonical ones: ``member`` (any active person, scoped to their own unit and its
sub-units) and ``everyone`` (any active person, anywhere). A role assignment without a unit covers the
whole municipality; with a unit it covers that unit and its sub-units. Administrators (superusers) pass
every check: the administrator is a separate account from any business role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    from mamori.core.models import Person

_M = TypeVar("_M", bound=Model)

MEMBER = "member"
EVERYONE = "everyone"

# Roles that carry the whole municipality regardless of the scope written on the assignment.
MUNICIPALITY_WIDE = {"ciso", "deputy_ciso", "chief", "policy_office"}

_RULES: dict[str, set[str]] = {}

CORE_RULES: dict[str, set[str]] = {
    "core.view_organisation": {EVERYONE},
    "core.view_person": {MEMBER, "security_manager", "security_officer", "chief", "ciso", "policy_office"},
    "core.manage_organisation": {"policy_office", "chief"},
    "core.view_audit_log": {"auditor", "audit_lead", "chief", "ciso"},
    "core.unlock_account": {"policy_office", "chief"},
}


def register_rules(rules: Mapping[str, Iterable[str]]) -> None:
    """Add ``{action: roles}`` rules; an app calls this once from its AppConfig.ready."""
    for action, roles in rules.items():
        _RULES.setdefault(action, set()).update(roles)


def roles_for(action: str) -> frozenset[str]:
    return frozenset(_RULES.get(action, ()))


def person_of(user: object) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        person = user.person  # type: ignore[attr-defined]
    except Exception:
        return None
    return person if person is not None and person.is_active else None


def _assignments(person: object) -> list[tuple[str, str | None]]:
    """Return (role code, unit path or None) for the person's current assignments, cached per person."""
    cached = getattr(person, "_mamori_assignments", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from mamori.core.models import RoleAssignment

    rows = (
        RoleAssignment.objects.current(timezone.localdate())
        .filter(person=person)  # type: ignore[misc]  # person_of() narrows to a Person at run time
        .select_related("role", "unit")
    )
    result = [
        (a.role.code, None if a.unit is None or a.role.code in MUNICIPALITY_WIDE else a.unit.path)
        for a in rows
    ]
    person._mamori_assignments = result  # type: ignore[attr-defined]
    return result


def has_role(user: object, *codes: str) -> bool:
    """Return True when the user currently holds one of the roles (any scope)."""
    person = person_of(user)
    if person is None:
        return False
    return any(code in codes for code, _ in _assignments(person))


def unit_of(obj: object) -> object | None:
    """Return the organisation unit an object belongs to (``owning_unit()`` or ``unit``), or None."""
    owning = getattr(obj, "owning_unit", None)
    if callable(owning):
        return owning()
    return getattr(obj, "unit", None)


def scopes(user: object, action: str) -> list[str | None] | None:
    """Return the unit paths within which ``user`` may do ``action`` ([None] means everywhere).

    None means the user may not do it anywhere.
    """
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return [None]
    person = person_of(user)
    if person is None:
        return None
    allowed = _RULES.get(action, set())
    result: list[str | None] = []
    if EVERYONE in allowed:
        return [None]
    if MEMBER in allowed:
        result.append(person.unit.path)  # type: ignore[attr-defined]
    for code, path in _assignments(person):
        if code in allowed:
            if path is None:
                return [None]
            result.append(path)
    return result or None


def can(user: object, action: str, obj: object | None = None) -> bool:
    """Return True when ``user`` may do ``action`` on ``obj`` (or anywhere, when obj is None).

    An object without a unit can only be acted on by municipality-wide holders of the action.
    """
    allowed = scopes(user, action)
    if not allowed:
        return False
    if None in allowed:
        return True
    if obj is None:
        return True
    unit = unit_of(obj)
    if unit is None:
        return False
    unit_path = getattr(unit, "path", "")
    return any(path is not None and unit_path.startswith(path) for path in allowed)


def scope_filter(user: object, action: str, unit_field: str = "unit") -> Q | None:
    """Return a Q limiting a queryset to objects whose unit the user may ``action``, or None for none.

    ``Q()`` (no condition) when the user may act everywhere.
    """
    allowed = scopes(user, action)
    if not allowed:
        return None
    if None in allowed:
        return Q()
    condition = Q(pk__in=[])
    for path in allowed:
        condition |= Q(**{f"{unit_field}__path__startswith": path})
    return condition


def filter_visible(
    queryset: QuerySet[_M], user: object, action: str, unit_field: str = "unit"
) -> QuerySet[_M]:
    """Return ``queryset`` narrowed to what ``user`` may ``action``."""
    condition = scope_filter(user, action, unit_field)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def is_privileged(user: object) -> bool:
    """Return True when the user must use a second factor (administrators and privileged roles)."""
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    person = person_of(user)
    if person is None:
        return False
    from mamori.core.models import Role

    codes = {code for code, _ in _assignments(person)}
    if not codes:
        return False
    return Role.objects.filter(code__in=codes, is_privileged=True).exists()
