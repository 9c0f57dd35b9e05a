"""Closing a campaign and recording an audit finding ask the policy section for a review, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mamori.inspections import services
from mamori.inspections.models import AuditItem
from mamori.policies import services as policy_services
from mamori.policies.models import ReviewTrigger, StandardSection

from .conftest import answer_all, sheet_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_5_4(make_campaign, staff, section_head):
    """An open campaign where staff did all but 5.4-01 (パスワード), which raised a finding."""
    campaign = make_campaign()
    sheet = sheet_of(campaign, staff)
    answer_all(sheet, staff, "done")
    failing = sheet.answers.get(campaign_item__item__code="5.4-01")
    services.save_answer(sheet, failing.campaign_item_id, actor=staff, value="not_done", comment="共用あり")
    failing.refresh_from_db()
    services.raise_finding_from_answer(failing, actor=section_head)
    return campaign


def _codes():
    return sorted(ReviewTrigger.objects.values_list("standard_section__code", flat=True))


def test_closing_a_campaign_raises_a_trigger_for_each_section_needing_review(failing_5_4, policy_officer):
    assert _codes() == []
    services.close_campaign(failing_5_4, actor=policy_officer)
    assert _codes() == ["5.4"]
    trigger = ReviewTrigger.objects.get()
    assert trigger.source_label == failing_5_4.title
    assert "未対応の指摘 1件" in trigger.reason


def test_raising_the_campaign_triggers_again_adds_no_duplicate(failing_5_4, policy_officer):
    services.close_campaign(failing_5_4, actor=policy_officer)
    assert services.raise_review_triggers(failing_5_4, actor=policy_officer) == ["5.4"]
    assert ReviewTrigger.objects.count() == 1


def test_a_campaign_with_good_results_raises_no_trigger(make_campaign, staff, other_staff, policy_officer):
    campaign = make_campaign()
    answer_all(sheet_of(campaign, staff), staff, "done")
    services.close_campaign(campaign, actor=policy_officer)
    assert _codes() == []


def test_recording_an_audit_finding_raises_a_trigger_for_its_section(policy_officer, auditor, city):
    plan = services.create_plan(
        actor=policy_officer,
        fiscal_year=2026,
        title="令和8年度 内部監査",
        scope="ログ管理",
        units=[city.shimin],
        systems=[],
        items=list(AuditItem.objects.filter(section__code="7.1")),
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )
    services.assign_auditor(plan, actor=policy_officer, auditor=auditor.person, unit=city.shimin)
    finding = services.raise_audit_finding(
        plan,
        actor=auditor,
        unit=city.shimin,
        section=StandardSection.objects.get(code="7.1"),
        title="ログを確認していない",
        severity="high",
    )
    trigger = ReviewTrigger.objects.get()
    assert trigger.standard_section.code == "7.1"
    assert trigger.source_id == str(finding.pk)
    assert "ログを確認していない" in trigger.reason
    # The policies app hands back the same trigger when asked again for the same finding.
    again = policy_services.raise_review_trigger(
        actor=auditor, section_code="7.1", reason="重複", source=finding
    )
    assert again.pk == trigger.pk
    assert ReviewTrigger.objects.count() == 1
