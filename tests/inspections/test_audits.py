"""Audit plans: auditors are independent of the units they audit; notes and findings by assigned auditors."""

from __future__ import annotations

import datetime as dt

import pytest

from mamori.inspections import services
from mamori.inspections.errors import AuditorNotIndependent, InspectionError, NotAllowed
from mamori.inspections.models import AuditItem, AuditPlan, Finding
from mamori.policies.models import StandardSection
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(policy_officer, city, register):
    return services.create_plan(
        actor=policy_officer,
        fiscal_year=2026,
        title="令和8年度 内部監査",
        scope="個人情報を扱う課の管理状況",
        units=[city.shimin, city.zeimu, city.kansa],
        systems=[register["jyuki"], register["zeimu"]],
        items=list(AuditItem.objects.filter(is_priority=True)[:3]),
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 10, 31),
    )


@pytest.fixture
def shimin_auditor(city):
    """An auditor who works in 市民課 (auditors are often seconded from other sections)."""
    return make_person("shimin-auditor", city.shimin, number="900030", family="岡", roles=[("auditor", None)])


def test_shipped_audit_items_have_procedure_and_example_evidence():
    items = list(AuditItem.objects.all())
    assert len(items) >= 20
    assert all(i.procedure and i.example_evidence for i in items)


def test_auditor_can_audit_a_unit_they_do_not_belong_to(plan, policy_officer, auditor, city):
    assignment = services.assign_auditor(plan, actor=policy_officer, auditor=auditor.person, unit=city.shimin)
    assert assignment.unit == city.shimin


def test_auditor_cannot_audit_their_own_unit(plan, policy_officer, auditor, city):
    with pytest.raises(
        AuditorNotIndependent, match="監査委員事務局に所属しているため、監査委員事務局を監査できません"
    ):
        services.assign_auditor(plan, actor=policy_officer, auditor=auditor.person, unit=city.kansa)
    assert not plan.assignments.exists()


def test_auditor_cannot_audit_the_department_above_their_unit(policy_officer, shimin_auditor, city):
    plan = services.create_plan(
        actor=policy_officer,
        fiscal_year=2026,
        title="部単位の監査",
        scope="市民部",
        units=[city.department, city.seisaku],
        systems=[],
        items=[],
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 9, 30),
    )
    with pytest.raises(AuditorNotIndependent, match="独立性"):
        services.assign_auditor(
            plan, actor=policy_officer, auditor=shimin_auditor.person, unit=city.department
        )
    services.assign_auditor(plan, actor=policy_officer, auditor=shimin_auditor.person, unit=city.seisaku)


def test_only_appointed_auditors_can_be_assigned(plan, policy_officer, other_staff, city):
    with pytest.raises(InspectionError, match="監査人に任命されていません"):
        services.assign_auditor(plan, actor=policy_officer, auditor=other_staff.person, unit=city.shimin)


def test_assignment_form_explains_the_rule_in_japanese(plan, policy_officer, auditor, city, login):
    client = login(policy_officer)
    page = client.get(f"/inspections/audits/{plan.pk}/").content.decode()
    assert "自らが所属する組織（その上位・下位の組織を含む）を監査できません" in page
    response = client.post(
        f"/inspections/audits/{plan.pk}/",
        {"form": "assign", "assign-auditor": auditor.person.pk, "assign-unit": city.kansa.pk},
    )
    assert response.status_code == 200
    assert "吉田 太郎 さんは監査委員事務局に所属しているため" in response.content.decode()
    assert not plan.assignments.exists()


def test_assigned_auditor_takes_notes_and_raises_findings_only_for_their_unit(
    plan, policy_officer, auditor, city, login
):
    services.assign_auditor(plan, actor=policy_officer, auditor=auditor.person, unit=city.shimin)
    note = services.add_fieldwork_note(
        plan, actor=auditor, unit=city.shimin, text="入退室記録に記入漏れが3件"
    )
    assert note.author == auditor.person
    with pytest.raises(NotAllowed):
        services.add_fieldwork_note(plan, actor=auditor, unit=city.zeimu, text="x")
    finding = services.raise_audit_finding(
        plan,
        actor=auditor,
        unit=city.shimin,
        section=StandardSection.objects.get(code="4.2"),
        title="管理区域の入退室記録に漏れがある",
        severity="high",
    )
    assert (finding.source, finding.severity, finding.plan) == (Finding.Source.AUDIT, "high", plan)
    page = login(auditor).get(f"/inspections/audits/{plan.pk}/").content.decode()
    assert "入退室記録に記入漏れが3件" in page
    assert "管理区域の入退室記録に漏れがある" in page


def test_auditor_sees_only_plans_they_are_assigned_to(plan, policy_officer, auditor, login, city):
    client = login(auditor)
    assert client.get(f"/inspections/audits/{plan.pk}/").status_code == 404
    services.assign_auditor(plan, actor=policy_officer, auditor=auditor.person, unit=city.shimin)
    assert client.get(f"/inspections/audits/{plan.pk}/").status_code == 200
    assert "令和8年度 内部監査" in client.get("/inspections/audits/").content.decode()


def test_officer_creates_a_plan_with_the_form(login, policy_officer, city, register):
    items = AuditItem.objects.filter(section__code="7.1")
    response = login(policy_officer).post(
        "/inspections/audits/new/",
        {
            "fiscal_year": 2026,
            "title": "ログ管理の監査",
            "scope": "ログの取得と確認",
            "units": [city.seisaku.pk],
            "systems": [register["jyuki"].pk],
            "items": [i.pk for i in items],
            "starts_on": "2026-10-01",
            "ends_on": "2026-10-31",
        },
    )
    assert response.status_code == 302
    plan = AuditPlan.objects.get(title="ログ管理の監査")
    assert list(plan.register_systems.values_list("code", flat=True)) == ["SYS-100"]
    page = login(policy_officer).get(f"/inspections/audits/{plan.pk}/").content.decode()
    assert "SYS-100 住民基本台帳システム" in page


def test_plan_lists_the_register_systems_it_audits(plan):
    assert plan.system_list() == ["住民基本台帳システム", "税務システム"]
