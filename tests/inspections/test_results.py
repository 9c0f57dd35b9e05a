"""Results: live completion, scores by unit and section, last year's comparison, charts, Excel, report."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from mamori.inspections import charts, services
from mamori.inspections.results import campaign_results, trend

from .conftest import answer_all, sheet_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(make_campaign, staff, other_staff, section_head):
    """市民課: staff answers 実施 ×3, the head 未実施 ×3; 税務課: other_staff 一部実施, 実施, 該当なし."""
    campaign = make_campaign()
    answer_all(sheet_of(campaign, staff), staff, "done")
    answer_all(sheet_of(campaign, section_head), section_head, "not_done")
    sheet = sheet_of(campaign, other_staff)
    for answer, value in zip(
        sheet.answers.order_by("campaign_item__order"), ["partial", "done", "na"], strict=True
    ):
        services.save_answer(sheet, answer.campaign_item_id, actor=other_staff, value=value, comment="")
    services.submit_sheet(sheet_of(campaign, staff), actor=staff)
    return campaign


def test_scores_and_completion_by_unit(answered, city):
    results = campaign_results(answered)
    by_unit = {u.name: u for u in results.units}
    assert by_unit["市民課"].score == 50.0  # 6 of 12 points
    assert by_unit["税務課"].score == 75.0  # 3 of 4 points; 該当なし left out
    assert (by_unit["市民課"].sheets, by_unit["市民課"].submitted, by_unit["市民課"].completion) == (
        2,
        1,
        50.0,
    )
    assert (by_unit["税務課"].sheets, by_unit["税務課"].submitted) == (1, 0)
    assert results.overall == round(100 * 9 / 16, 1)
    assert results.value_counts == {"done": 4, "not_done": 3, "partial": 1, "na": 1}


def test_scores_by_section_and_chapter_heat_map(answered, city):
    results = campaign_results(answered)
    sections = {s.code: s.score for s in results.sections}
    assert set(sections) == {"4.4", "5.2", "5.4"}
    chapters = {c.code: c.score for c in results.chapters}
    assert set(chapters) == {"4", "5"}
    assert results.heat[("4", city.shimin.pk)] == 50.0


def test_weakest_items_come_first(answered):
    weakest = campaign_results(answered).weakest
    assert weakest[0].score <= weakest[-1].score
    assert weakest[0].not_done == 1


def test_unit_head_sees_only_their_units_results(answered, section_head, login):
    page = login(section_head).get(f"/inspections/campaigns/{answered.pk}/results/").content.decode()
    assert 'data-label="市民課"' in page
    assert 'data-label="税務課"' not in page


def test_results_page_draws_both_units_and_last_years_comparison(answered, policy_officer, login, staff):
    services.close_campaign(answered, actor=policy_officer)
    page = login(policy_officer).get(f"/inspections/campaigns/{answered.pk}/results/").content.decode()
    assert 'data-label="市民課"' in page and 'data-label="税務課"' in page
    assert page.count('role="img"') == 5
    assert "比較できる前年度の自己点検はありません" in page


def test_trend_has_one_point_per_campaign(answered, make_campaign, staff, policy_officer):
    services.close_campaign(answered, actor=policy_officer)
    later = make_campaign(year=2027, title="翌年度")
    answer_all(sheet_of(later, staff), staff, "partial")
    points = trend()
    assert [p.fiscal_year for p in points] == [2026, 2027]
    assert points[1].score == 50.0


def test_charts_are_valid_svg_with_titles_and_escaped_labels():
    for svg in (
        charts.bar_chart("組織別", [("<script>", 50.0), ("税務課", None)], {"<script>": 40.0}),
        charts.heat_map("章×組織", [("5", "人的")], [(1, "市民課"), (2, "<b>")], {("5", 1): 80.0}),
        charts.trend_chart("推移", [("令和6年度", 60.0), ("令和7年度", 72.5)]),
    ):
        root = ET.fromstring(str(svg))
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
        assert "<script>" not in str(svg)


def test_excel_export_has_every_answer(answered, policy_officer, login):
    response = login(policy_officer).get(f"/inspections/campaigns/{answered.pk}/answers.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["回答"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == answered.sheets.count() * 3
    assert {r[9] for r in rows} == {"実施", "未実施", "一部実施", "該当なし"}


def test_committee_report_is_print_ready(answered, policy_officer, login):
    page = login(policy_officer).get(f"/inspections/campaigns/{answered.pk}/report/").content.decode()
    assert "情報セキュリティ委員会 資料" in page
    assert "inspections/css/report.css" in page
    assert "自己点検 結果報告" in page
