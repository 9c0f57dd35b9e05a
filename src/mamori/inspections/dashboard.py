"""The inspections app's contribution to the home dashboard: sheets to answer or review, actions due."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from mamori.core.japanese_calendar import wareki_date
from mamori.core.permissions import person_of, scope_filter
from mamori.inspections.models import AnswerSheet, AuditorAssignment, Campaign, CorrectiveAction
from mamori.inspections.services.campaigns import PENDING
from mamori.inspections.services.findings import overdue_actions
from mamori.web.views import DashboardTask


def tasks_for(user: object) -> list[object]:
    """Return the user's self-inspection, review, audit and corrective-action tasks."""
    person = person_of(user)
    tasks: list[object] = []
    if person is not None:
        for sheet in AnswerSheet.objects.filter(
            person=person, status__in=PENDING, campaign__status=Campaign.Status.OPEN
        ).select_related("campaign"):
            verb = "修正・再提出" if sheet.status == AnswerSheet.Status.RETURNED else "回答"
            tasks.append(
                DashboardTask(
                    title=f"自己点検の{verb}: {sheet.campaign.title}（{sheet.get_respondent_type_display()}）",
                    url=reverse("inspections:sheet", args=[sheet.pk]),
                    due=wareki_date(sheet.campaign.closes_on),
                    kind="inspection",
                )
            )
        for action in CorrectiveAction.objects.filter(
            owner=person, status__in=[CorrectiveAction.Status.PLANNED, CorrectiveAction.Status.IN_PROGRESS]
        ):
            late = "（期限超過）" if action.is_overdue() else ""
            tasks.append(
                DashboardTask(
                    title=f"是正措置{late}: {action.description[:40]}",
                    url=reverse("inspections:finding_detail", args=[action.finding_id]),
                    due=wareki_date(action.due_on),
                    kind="action",
                )
            )
        plans = {a.plan for a in AuditorAssignment.objects.filter(auditor=person).select_related("plan")}
        for plan in plans:
            if plan.status != plan.Status.REPORTED:
                tasks.append(
                    DashboardTask(
                        title=f"監査の実施: {plan.title}",
                        url=reverse("inspections:audit_detail", args=[plan.pk]),
                        due=wareki_date(plan.ends_on),
                        kind="audit",
                    )
                )
    review_scope = scope_filter(user, "inspections.review_sheets")
    if review_scope is not None:
        waiting = AnswerSheet.objects.filter(review_scope, status=AnswerSheet.Status.SUBMITTED)
        if person is not None:
            waiting = waiting.exclude(person=person)
        count = waiting.count()
        if count:
            tasks.append(
                DashboardTask(
                    title=f"自己点検の確認待ち {count}件",
                    url=reverse("inspections:review_queue"),
                    kind="inspection_review",
                )
            )
    findings_scope = scope_filter(user, "inspections.view_findings", unit_field="finding__unit")
    if findings_scope is not None:
        overdue = overdue_actions(timezone.localdate()).filter(findings_scope).count()
        if overdue:
            tasks.append(
                DashboardTask(
                    title=f"期限を過ぎた是正措置 {overdue}件",
                    url=reverse("inspections:finding_list") + "?overdue=1",
                    kind="overdue",
                )
            )
    return tasks
