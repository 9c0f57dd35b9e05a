"""Aggregated self-inspection results: completion, scores by unit and section, weakest items, trends.

Score: 実施 = 2 points, 一部実施 = 1, 未実施 = 0, 該当なし left out; shown as a percentage of the maximum.
Each aggregate is one GROUP BY over the answers (unit and section are stored on the answer for this).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from mamori.core.models import Unit
from mamori.inspections.models import Answer, AnswerSheet, Campaign, CampaignItem
from mamori.inspections.models.campaigns import POINTS
from mamori.policies.models import StandardSection


def score(points: int | None, counted: int) -> float | None:
    """Return the score in percent, or None when nothing counted."""
    if not counted:
        return None
    return round(100.0 * (points or 0) / (2 * counted), 1)


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    name: str
    sheets: int
    submitted: int
    answered: int
    answers: int
    score: float | None

    @property
    def completion(self) -> float:
        return round(100.0 * self.submitted / self.sheets, 1) if self.sheets else 0.0


@dataclass(frozen=True)
class SectionRow:
    code: str
    title: str
    score: float | None
    counted: int


@dataclass(frozen=True)
class ItemRow:
    code: str
    question: str
    section_code: str
    score: float | None
    not_done: int
    counted: int


@dataclass(frozen=True)
class CampaignResults:
    campaign_id: int
    units: tuple[UnitRow, ...]
    chapters: tuple[SectionRow, ...]
    sections: tuple[SectionRow, ...]
    heat: dict[tuple[str, int], float | None]  # (chapter code, unit id) → score
    weakest: tuple[ItemRow, ...]
    overall: float | None
    value_counts: dict[str, int]


def chapter_of(code: str) -> str:
    return code.split(".", 1)[0]


def campaign_results(
    campaign: Campaign, *, unit_ids: Sequence[int] | None = None, weakest: int = 10
) -> CampaignResults:
    """Aggregate a campaign's answers (narrowed to ``unit_ids`` when given).

    One GROUP BY (unit, item, value) over the answers reads only the covering index
    ``answer_results_idx``; every total below is summed from its few thousand rows in Python.
    """
    answers = Answer.objects.filter(campaign=campaign)
    sheets = AnswerSheet.objects.filter(campaign=campaign)
    if unit_ids is not None:
        answers = answers.filter(unit_id__in=list(unit_ids))
        sheets = sheets.filter(unit_id__in=list(unit_ids))
    by_code = {s.code: s for s in StandardSection.objects.all()}
    items = {
        ci.pk: ci for ci in CampaignItem.objects.filter(campaign=campaign).select_related("item", "section")
    }

    # [points, counted, answered, answers]
    unit_acc: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    item_acc: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # points, counted, not_done
    section_acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    chapter_acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    heat_acc: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    value_counts: dict[str, int] = defaultdict(int)
    groups = answers.values_list("unit_id", "campaign_item_id", "value").annotate(n=Count("id")).order_by()
    for unit_id, item_id, value, n in groups:
        value_counts[value] += n
        acc = unit_acc[unit_id]
        acc[2] += n if value else 0
        acc[3] += n
        if value == "not_done":
            item_acc[item_id][2] += n
        points = POINTS.get(value)
        if points is None:
            continue
        code = items[item_id].section.code
        for target in (
            acc,
            item_acc[item_id],
            section_acc[code],
            chapter_acc[chapter_of(code)],
            heat_acc[(chapter_of(code), unit_id)],
        ):
            target[0] += points * n
            target[1] += n

    sheet_counts = (
        sheets.values("unit_id")
        .annotate(
            n=Count("id"),
            done=Count(
                "id", filter=Q(status__in=[AnswerSheet.Status.SUBMITTED, AnswerSheet.Status.ACCEPTED])
            ),
        )
        .order_by()
    )
    sheet_by_unit = {row["unit_id"]: row for row in sheet_counts}
    unit_rows = Unit.objects.filter(pk__in=set(sheet_by_unit) | set(unit_acc)).order_by("path")
    units = tuple(
        UnitRow(
            unit_id=unit.pk,
            name=unit.name,
            sheets=sheet_by_unit.get(unit.pk, {}).get("n", 0),
            submitted=sheet_by_unit.get(unit.pk, {}).get("done", 0),
            answered=unit_acc[unit.pk][2],
            answers=unit_acc[unit.pk][3],
            score=score(unit_acc[unit.pk][0], unit_acc[unit.pk][1]),
        )
        for unit in unit_rows.only("pk", "name")
    )

    def section_rows(acc: dict[str, list[int]]) -> tuple[SectionRow, ...]:
        ordered = sorted(acc, key=lambda c: (by_code[c].order, c) if c in by_code else (0, c))
        return tuple(
            SectionRow(c, by_code[c].title if c in by_code else c, score(*acc[c]), acc[c][1]) for c in ordered
        )

    ranked = sorted(
        (score(acc[0], acc[1]) or 0.0, -acc[2], item_id) for item_id, acc in item_acc.items() if acc[1]
    )[:weakest]
    weakest_rows = tuple(
        ItemRow(
            code=items[item_id].item.code,
            question=items[item_id].question,
            section_code=items[item_id].section.code,
            score=value,
            not_done=-negative_not_done,
            counted=item_acc[item_id][1],
        )
        for value, negative_not_done, item_id in ranked
    )
    totals = [sum(acc[0] for acc in unit_acc.values()), sum(acc[1] for acc in unit_acc.values())]
    return CampaignResults(
        campaign_id=campaign.pk,
        units=units,
        chapters=section_rows(chapter_acc),
        sections=section_rows(section_acc),
        heat={key: score(*acc) for key, acc in heat_acc.items()},
        weakest=weakest_rows,
        overall=score(*totals),
        value_counts=dict(value_counts),
    )


@dataclass(frozen=True)
class TrendPoint:
    fiscal_year: int
    campaign_id: int
    title: str
    score: float | None


def trend(
    *, unit_ids: Sequence[int] | None = None, section_codes: Sequence[str] | None = None
) -> tuple[TrendPoint, ...]:
    """Return the overall score of every closed or open campaign, oldest 年度 first."""
    answers = Answer.objects.all()
    if unit_ids is not None:
        answers = answers.filter(unit_id__in=list(unit_ids))
    if section_codes is not None:
        answers = answers.filter(section__code__in=list(section_codes))
    rows = {
        r["campaign_id"]: r
        for r in answers.values("campaign_id")
        .annotate(total=Sum("points"), counted=Count("points"))
        .order_by()
    }
    campaigns = Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("fiscal_year", "id")
    return tuple(
        TrendPoint(c.fiscal_year, c.pk, c.title, score(rows[c.pk]["total"], rows[c.pk]["counted"]))
        for c in campaigns
        if c.pk in rows
    )


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """Return the campaign this one carried over from, or the latest one of an earlier 年度."""
    if campaign.previous_id:
        return campaign.previous
    return (
        Campaign.objects.filter(fiscal_year__lt=campaign.fiscal_year)
        .exclude(status=Campaign.Status.DRAFT)
        .order_by("-fiscal_year", "-id")
        .first()
    )
