"""Review input per 対策基準 section: the function the policy app calls and the committee's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mamori.inspections import services
from mamori.inspections.review import SectionEvidence, section_evidence
from mamori.policies.models import StandardSection

from .conftest import answer_all, sheet_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence_for_5(make_campaign, staff, section_head, policy_officer):
    campaign = make_campaign()
    sheet = sheet_of(campaign, staff)
    answer_all(sheet, staff, "done")
    failing = sheet.answers.get(campaign_item__item__code="5.4-01")
    services.save_answer(sheet, failing.campaign_item_id, actor=staff, value="not_done", comment="")
    failing.refresh_from_db()
    finding = services.raise_finding_from_answer(failing, actor=section_head)
    services.add_action(
        finding,
        actor=section_head,
        description="パスワード管理の研修",
        owner=staff.person,
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    return campaign


def test_section_evidence_gathers_scores_findings_and_open_actions_of_sub_sections(evidence_for_5):
    evidence = section_evidence("5")
    assert isinstance(evidence, SectionEvidence)
    assert evidence.section_title == "人的セキュリティ"
    assert [s.fiscal_year for s in evidence.scores] == [2026]
    assert evidence.scores[0].not_done == 1
    assert evidence.scores[0].score == 50.0  # 5.2-01 done (2 of 2), 5.4-01 not done (0 of 2)
    assert len(evidence.findings) == 1 and evidence.findings[0].section_code == "5.4"
    assert [a.description for a in evidence.open_actions] == ["パスワード管理の研修"]
    assert evidence.open_actions[0].is_overdue
    assert evidence.needs_review


def test_section_without_evidence_needs_no_review(evidence_for_5):
    evidence = section_evidence("8.5")
    assert (evidence.scores, evidence.findings, evidence.open_actions) == ((), (), ())
    assert not evidence.needs_review


def test_unknown_section_code_raises():
    with pytest.raises(StandardSection.DoesNotExist):
        section_evidence("99")


def test_committee_page_per_section(evidence_for_5, policy_officer, ciso, staff, login):
    page = login(policy_officer).get("/inspections/review/5.4/").content.decode()
    assert "5.4 ID及びパスワード等の管理" in page
    assert "パスワード管理の研修" in page and "期限超過" in page
    index = login(ciso).get("/inspections/review/").content.decode()
    assert "要検討" in index
    assert login(staff).get("/inspections/review/5.4/").status_code == 404
    assert login(policy_officer).get("/inspections/review/99/").status_code == 404
