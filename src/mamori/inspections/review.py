"""Review input (見直しの材料) per 対策基準 section: scores, findings and open actions.

``section_evidence`` and ``items_for_section`` are the functions other apps call (the self-inspection
close raises review triggers from the first; the policy section page lists the second); they read this
app's tables and return plain frozen dataclasses.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from mamori.core.permissions import can
from mamori.inspections.models import (
    Answer,
    AuditItem,
    Campaign,
    ChecklistItem,
    CorrectiveAction,
    Finding,
)
from mamori.inspections.results import score
from mamori.policies.models import StandardSection


@dataclass(frozen=True)
class SectionScore:
    fiscal_year: int
    campaign_title: str
    score: float | None
    answers: int
    not_done: int


@dataclass(frozen=True)
class FindingSummary:
    pk: int
    title: str
    source: str
    severity: str
    unit: str
    status: str
    section_code: str


@dataclass(frozen=True)
class ActionSummary:
    pk: int
    finding_pk: int
    description: str
    owner: str
    due_on: object
    status: str
    is_overdue: bool


@dataclass(frozen=True)
class SectionEvidence:
    """What the committee needs to review one section of the 対策基準."""

    section_code: str
    section_title: str
    scores: tuple[SectionScore, ...]
    findings: tuple[FindingSummary, ...]
    open_actions: tuple[ActionSummary, ...]

    @property
    def latest_score(self) -> float | None:
        return self.scores[-1].score if self.scores else None

    @property
    def open_findings(self) -> int:
        return sum(1 for f in self.findings if f.status == Finding.Status.OPEN)

    @property
    def needs_review(self) -> bool:
        """Return True when the evidence suggests the section should be reviewed."""
        latest = self.latest_score
        return bool(self.open_actions) or self.open_findings > 0 or (latest is not None and latest < 70)


def _codes(section: StandardSection) -> list[str]:
    prefix = f"{section.code}."
    return [
        section.code,
        *StandardSection.objects.filter(code__startswith=prefix).values_list("code", flat=True),
    ]


def section_evidence(section_code: str) -> SectionEvidence:
    """Gather the self-inspection scores, findings and open actions of a section and its sub-sections.

    Raises StandardSection.DoesNotExist for an unknown code.
    """
    section = StandardSection.objects.get(code=section_code)
    codes = _codes(section)
    rows = {
        r["campaign_id"]: r
        for r in Answer.objects.filter(section__code__in=codes)
        .values("campaign_id")
        .annotate(
            total=Sum("points"),
            counted=Count("points"),
            n=Count("id"),
            nd=Count("id", filter=Q(value="not_done")),
        )
        .order_by()
    }
    scores = tuple(
        SectionScore(
            c.fiscal_year,
            c.title,
            score(rows[c.pk]["total"], rows[c.pk]["counted"]),
            rows[c.pk]["n"],
            rows[c.pk]["nd"],
        )
        for c in Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("fiscal_year", "id")
        if c.pk in rows
    )
    findings = tuple(
        FindingSummary(
            f.pk,
            f.title,
            f.get_source_display(),
            f.get_severity_display(),
            f.unit.name,
            f.status,
            f.section.code,
        )
        for f in Finding.objects.filter(section__code__in=codes).select_related("unit", "section")
    )
    actions = tuple(
        ActionSummary(
            a.pk,
            a.finding_id,
            a.description,
            a.owner.full_name,
            a.due_on,
            a.get_status_display(),
            a.is_overdue(),
        )
        for a in CorrectiveAction.objects.filter(
            finding__section__code__in=codes,
            status__in=[CorrectiveAction.Status.PLANNED, CorrectiveAction.Status.IN_PROGRESS],
        ).select_related("owner")
    )
    return SectionEvidence(section.code, section.title, scores, findings, actions)


class ItemSource(enum.Enum):
    CHECKLIST = "checklist"
    AUDIT = "audit"


@dataclass(frozen=True)
class LinkedItem:
    """A checklist or audit item keyed to a 対策基準 section, as another app lists it."""

    source: ItemSource
    code: str
    text: str
    respondent: str
    is_priority: bool


def items_for_section(section_code: str, *, user: object) -> tuple[LinkedItem, ...]:
    """Return the active checklist and audit items of section ``section_code`` that ``user`` may see.

    The checklist is open to every member of staff; audit items (procedures and example evidence)
    only to those who plan or run audits.
    """
    items: list[LinkedItem] = []
    if can(user, "inspections.view_catalogue"):
        items.extend(
            LinkedItem(
                ItemSource.CHECKLIST,
                i.code,
                i.question,
                i.get_respondent_type_display(),
                i.is_priority,
            )
            for i in ChecklistItem.objects.filter(section__code=section_code, is_active=True).order_by(
                "order", "code"
            )
        )
    if can(user, "inspections.view_audits") or can(user, "inspections.manage_audits"):
        items.extend(
            LinkedItem(ItemSource.AUDIT, a.code, a.title, "", a.is_priority)
            for a in AuditItem.objects.filter(section__code=section_code, is_active=True).order_by("code")
        )
    return tuple(items)
