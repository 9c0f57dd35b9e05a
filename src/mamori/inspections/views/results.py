"""Campaign results: charts, comparison with last year, every answer as Excel, the committee report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from openpyxl import Workbook

from mamori.core import audit
from mamori.core.japanese_calendar import fiscal_year_label
from mamori.core.permissions import can, scope_filter
from mamori.core.spreadsheets import Column, workbook_bytes, write_sheet
from mamori.inspections import charts
from mamori.inspections.access import get_campaign_for
from mamori.inspections.models import Answer, Campaign
from mamori.inspections.results import CampaignResults, campaign_results, previous_campaign, trend
from mamori.web.downloads import attachment


def _unit_ids(request: HttpRequest, campaign: Campaign) -> list[int] | None:
    if (
        can(request.user, "inspections.manage_campaigns")
        or scope_filter(request.user, "inspections.view_results") == Q()
    ):
        return None
    scope = scope_filter(request.user, "inspections.view_results")
    return list(campaign.sheets.filter(scope).values_list("unit_id", flat=True).distinct())


def _context(request: HttpRequest, campaign: Campaign) -> dict[str, object]:
    unit_ids = _unit_ids(request, campaign)
    results = campaign_results(campaign, unit_ids=unit_ids)
    previous = previous_campaign(campaign)
    before: CampaignResults | None = campaign_results(previous, unit_ids=unit_ids) if previous else None
    before_units = {u.name: u.score for u in before.units} if before else None
    before_chapters = {f"{c.code} {c.title}": c.score for c in before.chapters} if before else None
    points = trend(unit_ids=unit_ids)
    chapter_deltas = []
    for chapter in results.chapters:
        old = before_chapters.get(f"{chapter.code} {chapter.title}") if before_chapters else None
        delta = round(chapter.score - old, 1) if chapter.score is not None and old is not None else None
        chapter_deltas.append((chapter, old, delta))
    return {
        "campaign": campaign,
        "results": results,
        "previous": previous,
        "chapter_deltas": chapter_deltas,
        # The chapter links lead to the review input, which answers 404 without this permission.
        "can_review": can(request.user, "inspections.view_review_input"),
        "unit_chart": charts.bar_chart(
            "組織別の実施率", [(u.name, u.score) for u in results.units], before_units
        ),
        "completion_chart": charts.bar_chart(
            "組織別の提出率", [(u.name, u.completion) for u in results.units]
        ),
        "section_chart": charts.bar_chart(
            "対策基準の章別の実施率",
            [(f"{c.code} {c.title}", c.score) for c in results.chapters],
            before_chapters,
        ),
        "heat_map": charts.heat_map(
            "対策基準の章 × 組織の実施率",
            [(c.code, c.title) for c in results.chapters],
            [(u.unit_id, u.name) for u in results.units],
            results.heat,
        ),
        "trend_chart": charts.trend_chart(
            "年度ごとの実施率の推移", [(fiscal_year_label(p.fiscal_year), p.score) for p in points]
        ),
    }


@login_required
def results_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, "view")
    return render(request, "inspections/results.html", _context(request, campaign))


@login_required
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, "view")
    return render(request, "inspections/report.html", _context(request, campaign))


EXPORT_COLUMNS = (
    Column("組織", width=16),
    Column("回答者", width=12),
    Column("職員番号", width=10),
    Column("回答者区分", width=24),
    Column("対象システム", width=16),
    Column("点検票の状態", width=10),
    Column("項目番号", width=10),
    Column("節番号", width=8),
    Column("点検内容", width=60),
    Column("回答", width=10),
    Column("コメント", width=40),
    Column("確認", width=8),
    Column("差戻しの理由", width=30),
    Column("証跡の件数", width=8),
)


@login_required
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, "view")
    unit_ids = _unit_ids(request, campaign)
    answers = (
        Answer.objects.filter(campaign=campaign)
        .select_related(
            "unit", "sheet__person", "sheet__system", "campaign_item__item", "campaign_item__section"
        )
        .prefetch_related("evidence")
        .order_by("unit__path", "sheet__person__employee_number", "campaign_item__order")
    )
    if unit_ids is not None:
        answers = answers.filter(unit_id__in=unit_ids)
    rows = [
        [
            a.unit.name,
            a.sheet.person.full_name,
            a.sheet.person.employee_number,
            a.sheet.get_respondent_type_display(),
            a.sheet.system_label,
            a.sheet.get_status_display(),
            a.campaign_item.item.code,
            a.campaign_item.section.code,
            a.campaign_item.question,
            a.get_value_display() if a.value else "未回答",
            a.comment,
            a.get_review_display() if a.review else "",
            a.review_comment,
            len(a.evidence.all()),
        ]
        for a in answers
    ]
    audit.record(
        "export",
        object_type="inspections.campaign",
        object_id=campaign.pk,
        object_repr=f"{campaign} の全回答の出力",
    )
    return attachment(workbook_bytes(lambda wb: _build(wb, rows)), f"inspection-{campaign.fiscal_year}.xlsx")


def _build(workbook: Workbook, rows: list[list[object]]) -> None:
    write_sheet(workbook, "回答", EXPORT_COLUMNS, rows)
