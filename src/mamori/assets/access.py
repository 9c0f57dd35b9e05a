"""The doors to assets and systems: who may see or change them (built on core permissions).

Rules (registered from AssetsConfig.ready):
- staff read what their unit (and its sub-units) owns; section heads (情報セキュリティ管理者) and
  department heads (情報セキュリティ責任者) manage their unit's assets and systems;
- the information policy section (情報セキュリティ事務局), the CISO side and auditors read everything;
  the policy section also manages everything and edits schemes, handling rules and zones;
- the system catalogue (name and zone of each system) is readable by every member of staff, because
  staff must know which zone a system belongs to before putting information on it.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import Q, QuerySet
from django.http import Http404

from mamori.assets.models import Asset, System
from mamori.core.models import Unit
from mamori.core.permissions import EVERYONE, MEMBER, can, filter_visible, scopes

VIEW = "assets.view"
MANAGE = "assets.manage"
VIEW_SYSTEMS = "assets.view_systems"
MANAGE_SCHEMES = "assets.manage_schemes"

RULES: dict[str, set[str]] = {
    VIEW: {
        MEMBER,
        "security_manager",
        "security_officer",
        "system_manager",
        "policy_office",
        "chief",
        "deputy_ciso",
        "ciso",
        "audit_lead",
        "auditor",
    },
    MANAGE: {"security_manager", "security_officer", "system_manager", "policy_office", "chief"},
    VIEW_SYSTEMS: {EVERYONE},
    MANAGE_SCHEMES: {"policy_office", "chief"},
}


def visible_assets(user: object) -> QuerySet[Asset]:
    """Return the assets ``user`` may read."""
    return filter_visible(Asset.objects.all(), user, VIEW)  # type: ignore[return-value]


def get_asset_for(user: object, pk: int | str, action: str = VIEW) -> Asset:
    """Return asset ``pk`` when ``user`` may do ``action`` on it; 404 otherwise (existence is not leaked)."""
    asset = (
        Asset.objects.select_related(
            "unit", "owner", "zone", "confidentiality", "integrity", "availability", "classified_by"
        )
        .prefetch_related("systems__zone", "sections")
        .filter(pk=pk)
        .first()
    )
    if asset is None or not can(user, VIEW, asset) or not can(user, action, asset):
        raise Http404
    return asset


def get_system_for(user: object, pk: int | str, action: str = VIEW_SYSTEMS) -> System:
    """Return system ``pk`` when ``user`` may do ``action`` on it; 404 otherwise."""
    system = System.objects.select_related("unit", "zone", "manager").filter(pk=pk).first()
    if system is None or not can(user, action, system):
        raise Http404
    return system


def manageable_units(user: object) -> QuerySet[Unit]:
    """Return the active units whose assets ``user`` may create or change."""
    allowed = scopes(user, MANAGE)
    if not allowed:
        return Unit.objects.none()
    units = Unit.objects.filter(is_active=True)
    if None in allowed:
        return units
    condition = Q(pk__in=[])
    for path in allowed:
        condition |= Q(path__startswith=path)
    return units.filter(condition)


def can_manage_unit(user: object, unit: Unit) -> bool:
    """Return True when ``user`` may keep assets and systems of ``unit``."""
    return can(user, MANAGE, SimpleNamespace(unit=unit))
