"""Findings from 未実施 answers and audits, corrective actions, verification, reminders and the overdue list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from mamori.inspections import services
from mamori.inspections.errors import InspectionError, NotAllowed
from mamori.inspections.models import CorrectiveAction, Finding

from .conftest import answer_all, sheet_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_answer(make_campaign, staff):
    sheet = sheet_of(make_campaign(), staff)
    answer_all(sheet, staff)
    answer = sheet.answers.first()
    services.save_answer(
        sheet, answer.campaign_item_id, actor=staff, value="not_done", comment="画面ロックの設定が分からない"
    )
    answer.refresh_from_db()
    return answer


def test_not_done_answer_raises_a_finding_with_its_comment(failing_answer, section_head):
    finding = services.raise_finding_from_answer(failing_answer, actor=section_head, severity="low")
    assert finding.source == Finding.Source.SELF_INSPECTION
    assert finding.unit == failing_answer.unit
    assert finding.section == failing_answer.campaign_item.section
    assert finding.description == "画面ロックの設定が分からない"
    with pytest.raises(InspectionError, match="既に指摘事項が起票されています"):
        services.raise_finding_from_answer(failing_answer, actor=section_head)


def test_done_answer_cannot_raise_a_finding(failing_answer, section_head, staff):
    other = failing_answer.sheet.answers.exclude(pk=failing_answer.pk).first()
    with pytest.raises(InspectionError, match="「未実施」「一部実施」の回答です"):
        services.raise_finding_from_answer(other, actor=section_head)


def test_head_of_another_unit_cannot_raise_a_finding(failing_answer, zeimu_head):
    with pytest.raises(NotAllowed):
        services.raise_finding_from_answer(failing_answer, actor=zeimu_head)


def test_overdue_action_leaves_the_overdue_list_when_completed_and_closes_after_verification(
    failing_answer, section_head, staff, policy_officer, login
):
    finding = services.raise_finding_from_answer(failing_answer, actor=section_head)
    action = services.add_action(
        finding,
        actor=section_head,
        description="画面ロックの手順を配布する",
        owner=staff.person,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    assert list(services.overdue_actions()) == [action]
    officer = login(policy_officer)
    assert "画面ロックの手順を配布する" in officer.get("/inspections/findings/").content.decode()
    assert "期限を過ぎた是正措置 1件" in officer.get("/").content.decode()

    services.complete_action(action, actor=staff, note="課内メールで手順書を配布した")
    assert list(services.overdue_actions()) == []
    with pytest.raises(NotAllowed, match="監査人または情報政策課"):
        services.verify_action(action, actor=staff)
    services.verify_action(action, actor=policy_officer)
    action.refresh_from_db()
    finding.refresh_from_db()
    assert action.status == CorrectiveAction.Status.VERIFIED
    assert action.verified_by == policy_officer.person
    assert finding.status == Finding.Status.CLOSED


def test_section_head_cannot_verify_an_action(failing_answer, section_head, staff):
    finding = services.raise_finding_from_answer(failing_answer, actor=section_head)
    action = services.add_action(
        finding, actor=section_head, description="x", owner=staff.person, due_on=timezone.localdate()
    )
    services.complete_action(action, actor=staff, note="済")
    with pytest.raises(NotAllowed, match="監査人または情報政策課"):
        services.verify_action(action, actor=section_head)


def test_audit_finding_is_verified_by_its_auditor(policy_officer, auditor, staff, city):
    from mamori.policies.models import StandardSection

    plan = services.create_plan(
        actor=policy_officer,
        fiscal_year=2026,
        title="監査",
        scope="範囲",
        units=[city.shimin],
        systems=[],
        items=[],
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 9, 30),
    )
    services.assign_auditor(plan, actor=policy_officer, auditor=auditor.person, unit=city.shimin)
    finding = services.raise_audit_finding(
        plan,
        actor=auditor,
        unit=city.shimin,
        section=StandardSection.objects.get(code="5.4"),
        title="共用 ID がある",
    )
    action = services.add_action(
        finding,
        actor=auditor,
        description="共用 ID を廃止する",
        owner=staff.person,
        due_on=dt.date(2026, 12, 1),
    )
    services.start_action(action, actor=staff)
    services.complete_action(action, actor=staff, note="廃止した")
    services.verify_action(action, actor=auditor)
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED


def test_owner_is_reminded_once_a_day_of_due_and_overdue_actions(
    failing_answer, section_head, staff, django_capture_on_commit_callbacks
):
    staff.person.email = "staff@city.example.lg.jp"
    staff.person.save()
    finding = services.raise_finding_from_answer(failing_answer, actor=section_head)
    today = timezone.localdate()
    services.add_action(
        finding,
        actor=section_head,
        description="期限切れ",
        owner=staff.person,
        due_on=today - dt.timedelta(days=1),
    )
    services.add_action(
        finding,
        actor=section_head,
        description="来週まで",
        owner=staff.person,
        due_on=today + dt.timedelta(days=5),
    )
    services.add_action(
        finding,
        actor=section_head,
        description="来月まで",
        owner=staff.person,
        due_on=today + dt.timedelta(days=40),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_action_reminders(today) == 2
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["【守り】是正措置の期限が近づいています", "【守り】是正措置の期限を過ぎています"]
    assert services.send_action_reminders(today) == 0


def test_owner_completes_the_action_from_the_finding_page(failing_answer, section_head, staff, login):
    finding = services.raise_finding_from_answer(failing_answer, actor=section_head)
    action = services.add_action(
        finding, actor=section_head, description="手順を配布", owner=staff.person, due_on=timezone.localdate()
    )
    client = login(staff)
    assert client.get(f"/inspections/findings/{finding.pk}/").status_code == 200
    client.post(f"/inspections/actions/{action.pk}/", {"operation": "complete", "note": "配布済み"})
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.COMPLETED
    assert "是正措置: 手順を配布" not in client.get("/").content.decode()


def test_nobody_verifies_their_own_action(failing_answer, section_head, policy_officer):
    finding = services.raise_finding_from_answer(failing_answer, actor=section_head)
    action = services.add_action(
        finding,
        actor=section_head,
        description="全庁に周知",
        owner=policy_officer.person,
        due_on=timezone.localdate(),
    )
    services.complete_action(action, actor=policy_officer, note="周知した")
    with pytest.raises(NotAllowed, match="ご自身が担当した"):
        services.verify_action(action, actor=policy_officer)


def test_overdue_count_is_on_the_dashboard_of_the_units_head_only(
    failing_answer, section_head, zeimu_head, staff, login
):
    finding = services.raise_finding_from_answer(failing_answer, actor=section_head)
    services.add_action(
        finding,
        actor=section_head,
        description="遅れている措置",
        owner=staff.person,
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    assert "期限を過ぎた是正措置 1件" in login(section_head).get("/").content.decode()
    assert "期限を過ぎた是正措置" not in login(zeimu_head).get("/").content.decode()
    assert "是正措置（期限超過）: 遅れている措置" in login(staff).get("/").content.decode()
