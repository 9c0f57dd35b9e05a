"""Audit plans: create, assign independent auditors, take fieldwork notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from mamori.assets.models import System
from mamori.core.models import Person, RoleAssignment, Unit
from mamori.core.permissions import can
from mamori.inspections.errors import AuditorNotIndependent, InspectionError, NotAllowed
from mamori.inspections.models import AuditItem, AuditorAssignment, AuditPlan, FieldworkNote
from mamori.inspections.services._guards import person_or_refuse, require

INDEPENDENCE_RULE = (
    "監査人は、自らが所属する組織（その上位・下位の組織を含む）を監査できません。"
    "監査の独立性を保つため、情報セキュリティ対策基準で定められています。"
)


def independence_problem(auditor: Person, unit: Unit) -> str:
    """Return the Japanese reason why ``auditor`` may not audit ``unit``, or '' when they may."""
    own = auditor.unit
    if own.is_within(unit) or unit.is_within(own):
        return f"{auditor.full_name} さんは{own.name}に所属しているため、{unit.name}を監査できません。{INDEPENDENCE_RULE}"
    return ""


def eligible_auditors(on: dt.date | None = None) -> list[Person]:
    """Return active people holding the auditor or audit-lead role."""
    ids = (
        RoleAssignment.objects.current(on)
        .filter(role__code__in=["auditor", "audit_lead"], person__is_active=True)
        .values_list("person_id", flat=True)
    )
    return list(Person.objects.filter(pk__in=list(ids)).select_related("unit"))


@transaction.atomic
def create_plan(
    *,
    actor: object,
    fiscal_year: int,
    title: str,
    scope: str,
    units: Sequence[Unit],
    systems: Sequence[System],
    items: Sequence[AuditItem],
    starts_on: dt.date,
    ends_on: dt.date,
) -> AuditPlan:
    """Create the audit plan of a 年度; ``systems`` are the asset register's systems it audits."""
    require(actor, "inspections.manage_audits")
    if ends_on < starts_on:
        raise InspectionError("終了日は開始日より後にしてください。", code="bad_dates")
    if not units:
        raise InspectionError("対象組織を1つ以上選んでください。", code="no_units")
    plan = AuditPlan.objects.create(
        fiscal_year=fiscal_year,
        title=title.strip(),
        scope=scope.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    plan.units.set(units)
    plan.register_systems.set(systems)
    plan.items.set(items)
    return plan


@transaction.atomic
def assign_auditor(
    plan: AuditPlan, *, actor: object, auditor: Person, unit: Unit, is_lead: bool = False
) -> AuditorAssignment:
    """Assign an auditor to a unit of the plan; refuse a unit the auditor belongs to."""
    require(actor, "inspections.manage_audits")
    if not plan.units.filter(pk=unit.pk).exists():
        raise InspectionError(f"{unit.name}はこの監査計画の対象組織ではありません。", code="unit_not_in_plan")
    if auditor.pk not in {p.pk for p in eligible_auditors()}:
        raise InspectionError(f"{auditor.full_name} さんは監査人に任命されていません。", code="not_auditor")
    problem = independence_problem(auditor, unit)
    if problem:
        raise AuditorNotIndependent(problem)
    assignment, _ = AuditorAssignment.objects.get_or_create(
        plan=plan, auditor=auditor, unit=unit, defaults={"is_lead": is_lead}
    )
    return assignment


def is_auditor_of(actor: object, plan: AuditPlan, unit: Unit | None = None) -> bool:
    """Return True when the actor is assigned to the plan (for ``unit`` when given)."""
    person = getattr(actor, "person", None) if getattr(actor, "is_authenticated", False) else None
    if person is None:
        return False
    assignments = plan.assignments.filter(auditor=person)
    if unit is not None:
        assignments = assignments.filter(unit=unit)
    return assignments.exists()


@transaction.atomic
def add_fieldwork_note(
    plan: AuditPlan, *, actor: object, unit: Unit, text: str, audit_item: AuditItem | None = None
) -> FieldworkNote:
    """Record a fieldwork note; only an auditor assigned to the unit may write one."""
    if not is_auditor_of(actor, plan, unit):
        raise NotAllowed("この組織の監査を担当する監査人だけが記録できます。")
    if not text.strip():
        raise InspectionError("内容を入力してください。", code="text_required")
    return FieldworkNote.objects.create(
        plan=plan, unit=unit, audit_item=audit_item, author=person_or_refuse(actor), text=text.strip()
    )


@transaction.atomic
def set_plan_status(plan: AuditPlan, *, actor: object, status: str) -> None:
    """Move a plan to 実施中 or 報告済."""
    if not (can(actor, "inspections.manage_audits") or is_auditor_of(actor, plan)):
        raise NotAllowed("この監査計画を変更する権限がありません。")
    if status not in AuditPlan.Status.values:
        raise InspectionError("状態が正しくありません。", code="bad_status")
    plan.status = status
    plan.save()
