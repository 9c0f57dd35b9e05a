"""Findings from answers and audits, corrective actions, their verification and reminders."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mamori.core.models import Person, Unit
from mamori.core.permissions import can
from mamori.inspections import limits, mail
from mamori.inspections.errors import InspectionError, NotAllowed
from mamori.inspections.models import Answer, AnswerValue, AuditPlan, CorrectiveAction, Finding
from mamori.inspections.services._guards import person_or_refuse, require
from mamori.inspections.services.audits import is_auditor_of
from mamori.policies.models import StandardSection
from mamori.policies.services import raise_review_trigger


def _check_severity(severity: str) -> None:
    if severity not in Finding.Severity.values:
        raise InspectionError("重要度が正しくありません。", code="bad_severity")


@transaction.atomic
def raise_finding_from_answer(
    answer: Answer, *, actor: object, title: str = "", severity: str = "medium", description: str = ""
) -> Finding:
    """Raise a finding from a 未実施 or 一部実施 answer (once per answer)."""
    require(actor, "inspections.manage_findings", answer)
    _check_severity(severity)
    if answer.value not in {AnswerValue.NOT_DONE, AnswerValue.PARTIAL}:
        raise InspectionError(
            "指摘事項にできるのは「未実施」「一部実施」の回答です。", code="answer_not_failing"
        )
    if answer.findings.exists():
        raise InspectionError("この回答からは既に指摘事項が起票されています。", code="already_raised")
    ci = answer.campaign_item
    return Finding.objects.create(
        source=Finding.Source.SELF_INSPECTION,
        answer=answer,
        section_id=ci.section_id,
        unit=answer.unit,
        title=(title.strip() or f"{ci.item.code} {ci.question}")[:200],
        description=description.strip() or answer.comment,
        severity=severity,
        raised_by=person_or_refuse(actor),
    )


@transaction.atomic
def raise_audit_finding(
    plan: AuditPlan,
    *,
    actor: object,
    unit: Unit,
    section: StandardSection,
    title: str,
    description: str = "",
    severity: str = "medium",
) -> Finding:
    """Record an audit finding; the auditor must be assigned to the unit (or manage audits)."""
    if not (is_auditor_of(actor, plan, unit) or can(actor, "inspections.manage_audits")):
        raise NotAllowed("この組織の監査を担当する監査人だけが指摘事項を起票できます。")
    if not plan.units.filter(pk=unit.pk).exists():
        raise InspectionError(f"{unit.name}はこの監査計画の対象組織ではありません。", code="unit_not_in_plan")
    _check_severity(severity)
    if not title.strip():
        raise InspectionError("指摘事項を入力してください。", code="title_required")
    finding = Finding.objects.create(
        source=Finding.Source.AUDIT,
        plan=plan,
        section=section,
        unit=unit,
        title=title.strip()[:200],
        description=description.strip(),
        severity=severity,
        raised_by=person_or_refuse(actor),
    )
    # An audit finding is a reason to review its section of the 対策基準 (issue 4 item 7).
    raise_review_trigger(
        actor=actor,
        section_code=section.code,
        reason=f"{plan.title}で{unit.name}に指摘（重要度: {finding.get_severity_display()}）: {finding.title}",
        source=finding,
    )
    return finding


def _can_manage(actor: object, finding: Finding) -> bool:
    return can(actor, "inspections.manage_findings", finding) or (
        finding.plan is not None and is_auditor_of(actor, finding.plan, finding.unit)
    )


@transaction.atomic
def add_action(
    finding: Finding, *, actor: object, description: str, owner: Person, due_on: dt.date
) -> CorrectiveAction:
    """Plan a corrective action for a finding, with its owner and due date."""
    if not _can_manage(actor, finding):
        raise NotAllowed("この指摘事項に是正措置を登録する権限がありません。")
    if not description.strip():
        raise InspectionError("是正措置の内容を入力してください。", code="description_required")
    if finding.status == Finding.Status.CLOSED:
        finding.status = Finding.Status.OPEN
        finding.save()
    return CorrectiveAction.objects.create(
        finding=finding, description=description.strip(), owner=owner, due_on=due_on
    )


def _require_owner_or_manager(action: CorrectiveAction, actor: object) -> None:
    person = person_or_refuse(actor)
    if action.owner_id != person.pk and not _can_manage(actor, action.finding):  # type: ignore[attr-defined]
        raise NotAllowed("この是正措置の担当者ではありません。")


@transaction.atomic
def start_action(action: CorrectiveAction, *, actor: object) -> None:
    """Mark an action as being worked on."""
    _require_owner_or_manager(action, actor)
    if action.status != CorrectiveAction.Status.PLANNED:
        raise InspectionError("未着手の是正措置だけを対応中にできます。", code="not_planned")
    action.status = CorrectiveAction.Status.IN_PROGRESS
    action.save()


@transaction.atomic
def complete_action(action: CorrectiveAction, *, actor: object, note: str) -> None:
    """Report an action as done; it leaves the overdue list and waits for verification."""
    _require_owner_or_manager(action, actor)
    if not action.is_open:
        raise InspectionError("この是正措置は既に完了報告されています。", code="not_open")
    if not note.strip():
        raise InspectionError("完了報告の内容を入力してください。", code="note_required")
    action.status = CorrectiveAction.Status.COMPLETED
    action.completion_note = note.strip()
    action.completed_at = timezone.now()
    action.save()


@transaction.atomic
def verify_action(action: CorrectiveAction, *, actor: object) -> None:
    """Confirm a completed action (the finding's auditor or the information policy section)."""
    finding = action.finding
    may = can(actor, "inspections.verify_actions", finding) or (
        finding.plan is not None and is_auditor_of(actor, finding.plan)
    )
    if not may:
        raise NotAllowed("是正措置を確認できるのは、監査人または情報政策課です。")
    person = person_or_refuse(actor)
    if action.owner_id == person.pk:  # type: ignore[attr-defined]
        raise NotAllowed("ご自身が担当した是正措置は確認できません。")
    if action.status != CorrectiveAction.Status.COMPLETED:
        raise InspectionError("完了報告された是正措置だけを確認できます。", code="not_completed")
    action.status = CorrectiveAction.Status.VERIFIED
    action.verified_by = person  # type: ignore[assignment]
    action.verified_at = timezone.now()
    action.save()
    if not finding.actions.exclude(status=CorrectiveAction.Status.VERIFIED).exists():
        finding.status = Finding.Status.CLOSED
        finding.save()


def overdue_actions(today: dt.date | None = None) -> QuerySet[CorrectiveAction]:
    """Return open actions past their due date, oldest first."""
    day = today or timezone.localdate()
    return (
        CorrectiveAction.objects.filter(
            status__in=[CorrectiveAction.Status.PLANNED, CorrectiveAction.Status.IN_PROGRESS], due_on__lt=day
        )
        .select_related("finding__unit", "owner")
        .order_by("due_on", "id")
    )


@transaction.atomic
def send_action_reminders(today: dt.date | None = None) -> int:
    """E-mail owners of open actions due within a week or overdue, at most once a day each."""
    day = today or timezone.localdate()
    horizon = day + dt.timedelta(days=limits.ACTION_REMINDER_DAYS)
    due = (
        CorrectiveAction.objects.filter(
            status__in=[CorrectiveAction.Status.PLANNED, CorrectiveAction.Status.IN_PROGRESS],
            due_on__lte=horizon,
        )
        .exclude(last_reminded_on=day)
        .select_related("owner")
    )
    sent = 0
    for action in due:
        action.last_reminded_on = day
        action.save()
        mail.action_reminder(action, action.owner.email, overdue=action.due_on < day)
        sent += 1
    return sent
