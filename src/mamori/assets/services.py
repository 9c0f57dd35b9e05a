"""State changes of the register. Every function takes the acting user, runs in one transaction and
re-runs the consistency rules on what it touched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone

from mamori.assets import consistency
from mamori.assets.access import MANAGE_SCHEMES, can_manage_unit, visible_assets
from mamori.assets.models import (
    Asset,
    Axis,
    ClassificationDecision,
    ClassificationScheme,
    HandlingRule,
    Level,
    LevelMapping,
    LifeCycleStep,
    System,
    Zone,
)
from mamori.core import audit
from mamori.core.permissions import can
from mamori.policies.models import StandardSection

ASSET_FIELDS = (
    "name",
    "kind",
    "form",
    "unit",
    "owner",
    "zone",
    "room",
    "cabinet",
    "quantity",
    "has_personal_data",
    "has_sensitive_personal_data",
    "has_my_number",
    "retention",
    "notes",
)
LEVEL_FIELDS = ("confidentiality", "integrity", "availability")
SYSTEM_FIELDS = ("name", "unit", "zone", "manager", "description")


def acting_user(actor: object) -> User | None:
    """Return the acting user as a model instance (None for anonymous or system actors)."""
    return actor if isinstance(actor, User) and actor.pk else None


def _require_unit(actor: object, unit: object) -> None:
    if unit is None or not can_manage_unit(actor, unit):  # type: ignore[arg-type]
        raise PermissionDenied("この所管課の情報資産を管理する権限がありません。")


def active_scheme() -> ClassificationScheme | None:
    return ClassificationScheme.objects.filter(is_active=True).first()


def check_levels(levels: Sequence[Level | None]) -> None:
    """Raise ValidationError unless each level belongs to its axis of one scheme, the active one."""
    scheme = active_scheme()
    for axis, level in zip(Axis, levels, strict=True):
        if level is None:
            continue
        if level.axis != axis.value:
            raise ValidationError(f"{level.label} は{axis.label}の区分ではありません。", code="wrong_axis")
        if scheme is not None and level.scheme_id != scheme.pk:
            raise ValidationError(
                f"{level.label} は使用中の分類基準（{scheme.name}）の区分ではありません。",
                code="inactive_scheme",
            )


def _next_code(model: type[Asset] | type[System], prefix: str) -> str:
    last = (
        model.objects.filter(code__regex=rf"^{prefix}[0-9]+$")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def next_asset_code() -> str:
    return _next_code(Asset, "IA-")


def next_system_code() -> str:
    return _next_code(System, "SYS-")


def _record_links(asset: Asset, name: str, before: list[str], after: list[str]) -> None:
    # Many-to-many changes send no save signal; record them so the trail shows where information moved.
    if before != after:
        audit.record(
            "update",
            object_type="assets.asset",
            object_id=asset.pk,
            object_repr=str(asset),
            changes={"before": {name: before}, "after": {name: after}},
        )


@transaction.atomic
def save_asset(
    asset: Asset | None,
    *,
    actor: object,
    values: Mapping[str, object],
    systems: Sequence[System] | None = None,
    sections: Sequence[StandardSection] | None = None,
    method: str = ClassificationDecision.Method.MANUAL,
    reason: str = "",
) -> Asset:
    """Create (``asset`` None) or change an asset; a change of levels is recorded as a decision."""
    if asset is not None:
        _require_unit(actor, asset.unit)
    else:
        asset = Asset()
    _require_unit(actor, values.get("unit", asset.unit if asset.unit_id else None))
    for field in ASSET_FIELDS:
        if field in values:
            setattr(asset, field, values[field])
    code = str(values.get("code") or "").strip()
    if code:
        asset.code = code
    elif not asset.code:
        asset.code = next_asset_code()
    old_levels = [getattr(asset, f"{f}_id") for f in LEVEL_FIELDS]
    new_levels = [values.get(f, getattr(asset, f)) for f in LEVEL_FIELDS]
    levels_changed = old_levels != [getattr(lv, "pk", None) for lv in new_levels]
    if levels_changed:
        check_levels(new_levels)  # type: ignore[arg-type]
        for field, level in zip(LEVEL_FIELDS, new_levels, strict=True):
            setattr(asset, field, level)
        asset.classified_at = timezone.now()
        asset.classified_by = acting_user(actor)  # type: ignore[assignment]
    asset.updated_at = timezone.now()
    asset.full_clean(exclude=["systems", "sections", "finding_codes", "finding_count"])
    asset.save()
    if systems is not None:
        before = sorted(asset.systems.values_list("code", flat=True))
        asset.systems.set(systems)
        _record_links(asset, "systems", before, sorted(s.code for s in systems))
    if sections is not None:
        before = sorted(asset.sections.values_list("code", flat=True))
        asset.sections.set(sections)
        _record_links(asset, "sections", before, sorted(s.code for s in sections))
    if levels_changed:
        ClassificationDecision.objects.create(
            asset=asset,
            confidentiality=asset.confidentiality,
            integrity=asset.integrity,
            availability=asset.availability,
            method=method,
            reason=reason,
            decided_by=acting_user(actor),
            decided_at=asset.classified_at or timezone.now(),
        )
    consistency.refresh_assets(Asset.objects.filter(pk=asset.pk))
    asset.refresh_from_db(fields=["finding_codes", "finding_count"])
    return asset


@transaction.atomic
def delete_asset(asset: Asset, *, actor: object) -> None:
    """Remove an asset from the register."""
    _require_unit(actor, asset.unit)
    asset.delete()


@transaction.atomic
def classify(
    asset: Asset,
    *,
    actor: object,
    confidentiality: Level,
    integrity: Level,
    availability: Level,
    method: str = ClassificationDecision.Method.GUIDED,
    reason: str = "",
    answers: Mapping[str, object] | None = None,
) -> ClassificationDecision:
    """Decide an asset's three levels (even unchanged, which renews the review date) and record who and when."""
    _require_unit(actor, asset.unit)
    check_levels([confidentiality, integrity, availability])
    now = timezone.now()
    asset.confidentiality, asset.integrity, asset.availability = confidentiality, integrity, availability
    asset.classified_at = now
    asset.classified_by = acting_user(actor)  # type: ignore[assignment]
    asset.updated_at = now
    asset.save()
    decision = ClassificationDecision.objects.create(
        asset=asset,
        confidentiality=confidentiality,
        integrity=integrity,
        availability=availability,
        method=method,
        reason=reason,
        answers=dict(answers or {}),
        decided_by=acting_user(actor),
        decided_at=now,
    )
    consistency.refresh_assets(Asset.objects.filter(pk=asset.pk))
    return decision


@transaction.atomic
def bulk_reclassify(
    assets: QuerySet[Asset],
    *,
    actor: object,
    reason: str,
    confidentiality: Level | None = None,
    integrity: Level | None = None,
    availability: Level | None = None,
) -> int:
    """Set the given levels on many assets at once, with a reason; return how many changed."""
    if not reason.strip():
        raise ValidationError("一括変更の理由を入力してください。", code="reason_required")
    if confidentiality is None and integrity is None and availability is None:
        raise ValidationError("変更する区分を一つ以上選んでください。", code="nothing_to_change")
    check_levels([confidentiality, integrity, availability])
    targets = list(assets.select_related("unit", "confidentiality", "integrity", "availability"))
    for asset in targets:
        _require_unit(actor, asset.unit)
    now = timezone.now()
    decisions = []
    for asset in targets:
        if confidentiality is not None:
            asset.confidentiality = confidentiality
        if integrity is not None:
            asset.integrity = integrity
        if availability is not None:
            asset.availability = availability
        asset.classified_at = now
        asset.classified_by = acting_user(actor)  # type: ignore[assignment]
        asset.updated_at = now
        decisions.append(
            ClassificationDecision(
                asset=asset,
                confidentiality=asset.confidentiality,
                integrity=asset.integrity,
                availability=asset.availability,
                method=ClassificationDecision.Method.BULK,
                reason=reason,
                decided_by=acting_user(actor),
                decided_at=now,
            )
        )
    Asset.objects.bulk_update(
        targets, [*LEVEL_FIELDS, "classified_at", "classified_by", "updated_at"], batch_size=500
    )
    ClassificationDecision.objects.bulk_create(decisions, batch_size=500)
    # bulk_update bypasses the signals: one summary entry names every asset and the new levels.
    audit.record(
        "update",
        object_type="assets.asset",
        object_repr=f"分類の一括変更（{len(targets)}件）",
        changes={
            "reason": reason,
            "assets": [a.code for a in targets],
            "after": {
                f: (lv.label if lv else "変更なし")
                for f, lv in zip(LEVEL_FIELDS, (confidentiality, integrity, availability), strict=True)
            },
        },
    )
    consistency.refresh_assets(Asset.objects.filter(pk__in=[a.pk for a in targets]))
    return len(targets)


def mapping_for(source: ClassificationScheme, target: ClassificationScheme) -> dict[int, Level]:
    """Return {source level id: target level} from the mapping table."""
    rows = LevelMapping.objects.filter(source__scheme=source, target__scheme=target).select_related("target")
    return {row.source_id: row.target for row in rows}


@transaction.atomic
def migrate_register(*, actor: object, target: ClassificationScheme) -> int:
    """Move every asset to ``target``'s levels through the mapping and make ``target`` the active scheme.

    Raises ValidationError when a level in use has no mapping; returns how many assets moved.
    """
    if not can(actor, MANAGE_SCHEMES):
        raise PermissionDenied("分類基準を変更する権限がありません。")
    level_ids: set[int] = set()
    for field in LEVEL_FIELDS:
        level_ids.update(
            Asset.objects.exclude(**{f"{field}__isnull": True})
            .exclude(**{f"{field}__scheme": target})
            .values_list(f"{field}_id", flat=True)
            .distinct()
        )
    mapping: dict[int, Level] = {}
    for row in LevelMapping.objects.filter(source_id__in=level_ids, target__scheme=target).select_related(
        "target"
    ):
        mapping[row.source_id] = row.target
    missing = Level.objects.filter(pk__in=level_ids - set(mapping))
    if missing:
        labels = "、".join(f"{lv.scheme.name} {lv.label}" for lv in missing.select_related("scheme"))
        raise ValidationError(f"対応表に移行先がない区分があります: {labels}", code="mapping_missing")
    now = timezone.now()
    moved = []
    for asset in Asset.objects.filter(
        Q(confidentiality_id__in=level_ids) | Q(integrity_id__in=level_ids) | Q(availability_id__in=level_ids)
    ):
        for field in LEVEL_FIELDS:
            level_id = getattr(asset, f"{field}_id")
            if level_id in mapping:
                setattr(asset, field, mapping[level_id])
        asset.updated_at = now
        moved.append(asset)
    Asset.objects.bulk_update(moved, [*LEVEL_FIELDS, "updated_at"], batch_size=500)
    ClassificationDecision.objects.bulk_create(
        [
            ClassificationDecision(
                asset=a,
                confidentiality=a.confidentiality,
                integrity=a.integrity,
                availability=a.availability,
                method=ClassificationDecision.Method.MAPPING,
                reason=f"分類基準「{target.name}」への移行",
                decided_by=acting_user(actor),
                decided_at=now,
            )
            for a in moved
        ],
        batch_size=500,
    )
    ClassificationScheme.objects.exclude(pk=target.pk).update(is_active=False)
    ClassificationScheme.objects.filter(pk=target.pk).update(is_active=True)
    audit.record(
        "update",
        object_type="assets.classificationscheme",
        object_id=target.pk,
        object_repr=str(target),
        changes={"after": {"is_active": True}, "migrated_assets": len(moved)},
    )
    consistency.check_all()
    return len(moved)


def _require_schemes(actor: object) -> None:
    if not can(actor, MANAGE_SCHEMES):
        raise PermissionDenied("分類基準を変更する権限がありません。")


@transaction.atomic
def update_level(
    level: Level, *, actor: object, values: Mapping[str, object], rules: Mapping[str, str]
) -> Level:
    """Change a level's name, definition and handling restrictions per life-cycle step."""
    _require_schemes(actor)
    for field in ("label", "definition", "blocks_internet_zone"):
        if field in values:
            setattr(level, field, values[field])
    level.full_clean()
    level.save()
    for step in LifeCycleStep:
        if step.value in rules:
            rule, _ = HandlingRule.objects.get_or_create(level=level, step=step.value)
            if rule.text != rules[step.value]:
                rule.text = rules[step.value]
                rule.save()
    consistency.check_all()
    return level


@transaction.atomic
def update_scheme(scheme: ClassificationScheme, *, actor: object, values: Mapping[str, object]) -> None:
    """Change a scheme's name, guideline version or re-review period."""
    _require_schemes(actor)
    for field in ("name", "guideline_version", "description", "review_years"):
        if field in values:
            setattr(scheme, field, values[field])
    scheme.full_clean()
    scheme.save()
    consistency.check_all()


@transaction.atomic
def save_zone(zone: Zone | None, *, actor: object, values: Mapping[str, object]) -> Zone:
    """Create or change a zone (custom zones are data like the four shipped ones)."""
    _require_schemes(actor)
    zone = zone or Zone(kind=Zone.Kind.CUSTOM)
    for field in ("code", "name", "kind", "description", "allows_my_number", "is_internet_facing", "order"):
        if field in values:
            setattr(zone, field, values[field])
    zone.full_clean()
    zone.save()
    consistency.refresh_systems(System.objects.filter(zone=zone))
    consistency.refresh_assets(Asset.objects.filter(zone=zone))
    return zone


@transaction.atomic
def save_system(system: System | None, *, actor: object, values: Mapping[str, object]) -> System:
    """Create or change an information system; its assets are re-checked (the zone may have changed)."""
    if system is not None:
        _require_unit(actor, system.unit)
    else:
        system = System()
    _require_unit(actor, values.get("unit", system.unit if system.unit_id else None))
    for field in SYSTEM_FIELDS:
        if field in values:
            setattr(system, field, values[field])
    code = str(values.get("code") or "").strip()
    if code:
        system.code = code
    elif not system.code:
        system.code = next_system_code()
    system.full_clean(exclude=["finding_codes"])
    system.save()
    consistency.refresh_systems(System.objects.filter(pk=system.pk))
    system.refresh_from_db(fields=["finding_codes"])
    return system


@transaction.atomic
def delete_system(system: System, *, actor: object) -> None:
    """Remove a system; the assets it held are re-checked."""
    _require_unit(actor, system.unit)
    asset_ids = list(system.assets.values_list("pk", flat=True))
    try:
        with transaction.atomic():
            system.delete()
    except ProtectedError as exc:
        # Self-inspection sheets keep the system they were answered for: history must not lose it.
        raise ValidationError(
            "自己点検の点検票などから参照されているため、この情報システムは削除できません。",
            code="protected",
        ) from exc
    consistency.refresh_assets(Asset.objects.filter(pk__in=asset_ids))


def register_systems() -> QuerySet[System]:
    """Return the register's information systems for other apps to choose from (catalogue order)."""
    return System.objects.select_related("unit", "zone", "manager").order_by("code")


def find_system(text: str) -> System | None:
    """Return the register system whose number or name is ``text`` (used to migrate free-text links)."""
    value = text.strip()
    if not value:
        return None
    return System.objects.filter(Q(code=value) | Q(name=value)).order_by("code").first()


def assets_for_section(code: str, *, user: object) -> QuerySet[Asset]:
    """Return the assets linked to 対策基準 section ``code`` that ``user`` may read."""
    return (
        visible_assets(user)
        .filter(sections__code=code)
        .select_related("unit", "confidentiality")
        .order_by("code")
    )
