"""Policy tasks on the home dashboard: read and confirm, review, approve, overdue reviews, triggers."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from mamori.core.japanese_calendar import wareki_date
from mamori.core.models import Person
from mamori.core.permissions import can, person_of, scope_filter
from mamori.policies.audience import visible_documents
from mamori.policies.models import PolicyDocument, PolicyVersion, ReadReceipt, ReviewTrigger, VersionStatus
from mamori.web.views import DashboardTask


def _read_tasks(user: object, person: Person) -> list[DashboardTask]:
    visible = visible_documents(user).values("pk")
    receipts = (
        ReadReceipt.objects.filter(
            person=person, confirmed_at__isnull=True, version__status=VersionStatus.IN_FORCE
        )
        .filter(version__document__in=visible)
        .select_related("version", "version__document")
    )
    return [
        DashboardTask(
            title=f"「{r.version.document.title}」（{r.version.label}）を読んで確認してください",
            url=r.version.get_absolute_url(),
            kind="policy_read",
        )
        for r in receipts
    ]


def _workflow_tasks(user: object) -> list[DashboardTask]:
    tasks = []
    if can(user, "policies.review"):
        for v in PolicyVersion.objects.filter(status=VersionStatus.IN_REVIEW).select_related("document"):
            tasks.append(
                DashboardTask(
                    f"委員会審議: 「{v.document.title}」{v.label}", v.get_absolute_url(), "", "policy_review"
                )
            )
    if can(user, "policies.approve"):
        for v in PolicyVersion.objects.filter(status=VersionStatus.AWAITING_APPROVAL).select_related(
            "document"
        ):
            tasks.append(
                DashboardTask(
                    f"CISO承認: 「{v.document.title}」{v.label}", v.get_absolute_url(), "", "policy_approve"
                )
            )
    if can(user, "policies.draft"):
        for v in PolicyVersion.objects.filter(status=VersionStatus.DRAFT).select_related("document"):
            tasks.append(
                DashboardTask(
                    f"改正案の作成: 「{v.document.title}」{v.label}", v.get_absolute_url(), "", "policy_draft"
                )
            )
    return tasks


def _responsible_documents(user: object) -> list[PolicyDocument]:
    """Return the documents whose review this user answers for."""
    documents = visible_documents(user).select_related("owner_unit")
    if can(user, "policies.draft"):
        return list(documents)
    managed = scope_filter(user, "policies.view_receipts", unit_field="owner_unit")
    if managed is None:
        return []
    return list(documents.filter(managed, owner_unit__isnull=False))


def _review_tasks(user: object) -> list[DashboardTask]:
    today = timezone.localdate()
    tasks = []
    for document in _responsible_documents(user):
        due = document.review_due_on()
        if due is not None and due < today:
            tasks.append(
                DashboardTask(
                    f"見直し期限超過: 「{document.title}」",
                    document.get_absolute_url(),
                    wareki_date(due),
                    "policy_overdue",
                )
            )
    if can(user, "policies.draft") or can(user, "policies.review"):
        for trigger in ReviewTrigger.objects.filter(resolved_at__isnull=True).select_related(
            "standard_section"
        ):
            tasks.append(
                DashboardTask(
                    # No due date: a trigger asks for a review now; its date goes into the title.
                    f"見直しのきっかけ: {trigger}（{wareki_date(timezone.localtime(trigger.raised_at))}）",
                    reverse("policies:triggers"),
                    "",
                    "policy_trigger",
                )
            )
    return tasks


def policy_tasks(user: object) -> list[DashboardTask]:
    """Return the current user's policy tasks (never naming a document the user may not see)."""
    person = person_of(user)
    tasks: list[DashboardTask] = []
    if isinstance(person, Person):
        tasks += _read_tasks(user, person)
    tasks += _workflow_tasks(user)
    tasks += _review_tasks(user)
    return tasks
