"""The role × object × action matrix of the inspections pages, denials included (404, never 403)."""

from __future__ import annotations

import datetime as dt

import pytest

from mamori.inspections import services
from mamori.policies.models import StandardSection

from .conftest import answer_all, sheet_of

pytestmark = pytest.mark.django_db

ROLES = (
    "staff",
    "other_staff",
    "section_head",
    "zeimu_head",
    "auditor",
    "policy_officer",
    "ciso",
    "contractor",
)

# url template → the roles that get 200; every other role gets 404.
MATRIX = {
    "/inspections/": {
        "staff",
        "other_staff",
        "section_head",
        "zeimu_head",
        "auditor",
        "policy_officer",
        "ciso",
        "contractor",
    },
    "/inspections/catalogue/": {
        "staff",
        "other_staff",
        "section_head",
        "zeimu_head",
        "auditor",
        "policy_officer",
        "ciso",
    },
    "/inspections/catalogue/new/": {"policy_officer", "ciso"},
    "/inspections/catalogue/import/": {"policy_officer", "ciso"},
    "/inspections/campaigns/new/": {"policy_officer", "ciso"},
    "/inspections/campaigns/{campaign}/": {"section_head", "zeimu_head", "policy_officer", "ciso"},
    "/inspections/campaigns/{campaign}/results/": {"section_head", "zeimu_head", "policy_officer", "ciso"},
    "/inspections/campaigns/{campaign}/answers.xlsx": {
        "section_head",
        "zeimu_head",
        "policy_officer",
        "ciso",
    },
    "/inspections/campaigns/{campaign}/carry-over/": {"policy_officer", "ciso"},
    "/inspections/sheets/{sheet}/": {"staff", "section_head", "policy_officer", "ciso"},
    "/inspections/sheets/{sheet}/review/": {"section_head", "policy_officer", "ciso"},
    "/inspections/review-queue/": {"section_head", "zeimu_head", "policy_officer", "ciso"},
    "/inspections/audits/new/": {"policy_officer", "ciso"},
    "/inspections/audits/{plan}/": {"policy_officer", "ciso"},
    "/inspections/findings/{finding}/": {"section_head", "policy_officer", "ciso"},
    "/inspections/answers/{answer}/finding/": {"section_head", "policy_officer", "ciso"},
    "/inspections/review/": {"policy_officer", "ciso"},
    "/inspections/review/5.4/": {"policy_officer", "ciso"},
}


@pytest.fixture
def objects(make_campaign, staff, policy_officer, section_head, city):
    campaign = make_campaign()
    sheet = sheet_of(campaign, staff)
    answer_all(sheet, staff, "not_done")
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
    answer = sheet.answers.first()
    finding = services.raise_finding_from_answer(sheet.answers.last(), actor=section_head)
    return {
        "campaign": campaign.pk,
        "sheet": sheet.pk,
        "plan": plan.pk,
        "finding": finding.pk,
        "answer": answer.pk,
    }


@pytest.fixture
def people(staff, other_staff, section_head, zeimu_head, auditor, policy_officer, ciso, contractor):
    return dict(
        zip(
            ROLES,
            (staff, other_staff, section_head, zeimu_head, auditor, policy_officer, ciso, contractor),
            strict=True,
        )
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_pages(role, objects, people, login):
    client = login(people[role])
    wrong = []
    for template, allowed in MATRIX.items():
        url = template.format(**objects)
        status = client.get(url).status_code
        expected = 200 if role in allowed else 404
        if status != expected:
            wrong.append(f"{url}: {status} (expected {expected})")
    assert wrong == []


def test_anonymous_visitors_are_sent_to_login(client, objects):
    response = client.get(f"/inspections/sheets/{objects['sheet']}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_cannot_post_to_manager_actions(objects, people, login):
    client = login(people["staff"])
    assert (
        client.post(
            f"/inspections/campaigns/{objects['campaign']}/action/", {"operation": "close"}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/inspections/findings/{objects['finding']}/", {"description": "x"}).status_code == 404
    )


def test_auditor_of_the_plan_sees_it_and_its_findings(objects, people, login, policy_officer, city):
    from mamori.inspections.models import AuditPlan

    plan = AuditPlan.objects.get(pk=objects["plan"])
    services.assign_auditor(plan, actor=policy_officer, auditor=people["auditor"].person, unit=city.shimin)
    finding = services.raise_audit_finding(
        plan,
        actor=people["auditor"],
        unit=city.shimin,
        section=StandardSection.objects.get(code="1"),
        title="体制表が古い",
    )
    client = login(people["auditor"])
    assert client.get(f"/inspections/audits/{plan.pk}/").status_code == 200
    assert client.get(f"/inspections/findings/{finding.pk}/").status_code == 200
    assert client.get(f"/inspections/findings/{objects['finding']}/").status_code == 404


def test_changes_through_the_web_are_recorded_with_their_author(objects, people, login):
    from mamori.core.models import AuditEntry
    from mamori.inspections.models import AnswerSheet

    sheet = AnswerSheet.objects.get(pk=objects["sheet"])
    answer = sheet.answers.first()
    login(people["staff"]).post(
        f"/inspections/sheets/{sheet.pk}/autosave/", {"item": answer.campaign_item_id, "value": "done"}
    )
    entry = AuditEntry.objects.filter(object_type="inspections.answer", object_id=str(answer.pk)).last()
    assert (entry.action, entry.actor, entry.via) == ("update", people["staff"], "web")
    assert (entry.changes["before"]["value"], entry.changes["after"]["value"]) == ("not_done", "done")
    assert AuditEntry.objects.filter(object_type="inspections.campaign", action="create").exists()
