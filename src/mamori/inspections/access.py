"""One access helper per object type: return the object for the user and action, or raise Http404.

404 rather than 403: people who may not see a thing do not learn that it exists.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from mamori.core.permissions import can, person_of
from mamori.inspections.models import AnswerSheet, AuditPlan, Campaign, CorrectiveAction, Finding


def _person_pk(user: object) -> int | None:
    person = person_of(user)
    return getattr(person, "pk", None)


def get_campaign_for(user: object, pk: int, action: str = "view") -> Campaign:
    """Return a campaign: ``manage`` for the policy section, ``view`` also for unit heads and the committee."""
    campaign = get_object_or_404(Campaign, pk=pk)
    if action == "manage" and can(user, "inspections.manage_campaigns"):
        return campaign
    if action == "view" and (
        can(user, "inspections.manage_campaigns") or can(user, "inspections.view_results")
    ):
        return campaign
    raise Http404


def get_sheet_for(user: object, pk: int, action: str = "view") -> AnswerSheet:
    """Return a sheet: ``answer`` for its respondent; ``view``/``review`` for heads of its unit."""
    sheet = get_object_or_404(AnswerSheet.objects.select_related("campaign", "unit", "person"), pk=pk)
    is_own = sheet.person_id == _person_pk(user)
    if action == "answer" and is_own:
        return sheet
    if action == "view" and (is_own or can(user, "inspections.view_sheets", sheet)):
        return sheet
    if action == "review" and not is_own and can(user, "inspections.review_sheets", sheet):
        return sheet
    raise Http404


def is_plan_auditor(user: object, plan: AuditPlan) -> bool:
    person_pk = _person_pk(user)
    return person_pk is not None and plan.assignments.filter(auditor_id=person_pk).exists()


def get_plan_for(user: object, pk: int, action: str = "view") -> AuditPlan:
    """Return an audit plan: ``manage`` for the audit lead and policy section, ``view`` also for its auditors."""
    plan = get_object_or_404(AuditPlan, pk=pk)
    if can(user, "inspections.manage_audits"):
        return plan
    if action == "view" and (can(user, "inspections.view_audits") or is_plan_auditor(user, plan)):
        return plan
    raise Http404


def get_finding_for(user: object, pk: int) -> Finding:
    """Return a finding to the heads of its unit, its auditors, action owners and the policy section."""
    finding = get_object_or_404(Finding.objects.select_related("unit", "section", "plan"), pk=pk)
    if can(user, "inspections.view_findings", finding):
        return finding
    if finding.plan is not None and is_plan_auditor(user, finding.plan):
        return finding
    person_pk = _person_pk(user)
    if person_pk is not None and finding.actions.filter(owner_id=person_pk).exists():
        return finding
    raise Http404


def get_action_for(user: object, pk: int) -> CorrectiveAction:
    """Return a corrective action to whoever may see its finding."""
    action = get_object_or_404(CorrectiveAction.objects.select_related("finding", "owner"), pk=pk)
    get_finding_for(user, action.finding_id)
    return action
