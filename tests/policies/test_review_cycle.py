"""Review cycle (見直し): overdue reviews and triggers on the dashboard; links for other registers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from mamori.core.japanese_calendar import wareki_date
from mamori.core.models import Unit
from mamori.policies import services
from mamori.policies.models import PolicyDocument
from mamori.web.views import TASK_SOURCES


def _titles(user, kind):
    return [t.title for source in TASK_SOURCES for t in source(user) if t.kind == kind]


def test_review_due_date_follows_the_interval(procedure):
    procedure.last_reviewed_on = dt.date(2025, 4, 1)
    procedure.review_interval_months = 12
    assert procedure.review_due_on() == dt.date(2026, 4, 1)
    procedure.review_interval_months = 18
    assert procedure.review_due_on() == dt.date(2026, 10, 1)


def test_overdue_reviews_show_to_the_policy_office_and_the_owner_units_manager(
    procedure, policy_officer, section_head, other_staff, staff
):
    PolicyDocument.objects.filter(pk=procedure.pk).update(
        last_reviewed_on=timezone.localdate() - dt.timedelta(days=400)
    )
    expected = ["見直し期限超過: 「住民基本台帳システム運用手順」"]
    assert _titles(policy_officer, "policy_overdue") == expected
    assert _titles(section_head, "policy_overdue") == expected
    assert _titles(staff, "policy_overdue") == []
    assert _titles(other_staff, "policy_overdue") == []


def test_recording_a_review_clears_the_overdue_task(procedure, policy_officer, login):
    PolicyDocument.objects.filter(pk=procedure.pk).update(
        last_reviewed_on=timezone.localdate() - dt.timedelta(days=400)
    )
    login(policy_officer).post(reverse("policies:mark_reviewed", args=[procedure.pk]), {"note": "改正不要"})
    assert _titles(policy_officer, "policy_overdue") == []
    assert procedure.events.filter(kind="review_done", note="改正不要").exists()


def test_a_review_trigger_raised_by_another_app_reaches_the_dashboard_until_resolved(
    procedure, policy_officer, committee, staff, login
):
    source = Unit.objects.get(code="A0201")  # any model instance stands in for an audit finding
    trigger = services.raise_review_trigger(
        actor=None, section_code="5.4", reason="パスワードの共用が見つかった", source=source
    )
    assert trigger.source_label == "市民課"
    today = wareki_date(timezone.localdate())
    assert _titles(policy_officer, "policy_trigger") == [
        f"見直しのきっかけ: 5.4 パスワードの共用が見つかった（{today}）"
    ]
    assert _titles(committee, "policy_trigger") != []
    assert _titles(staff, "policy_trigger") == []
    assert login(staff).get(reverse("policies:triggers")).status_code == 404
    login(policy_officer).post(
        reverse("policies:triggers"), {"trigger": trigger.pk, "resolution": "対策基準5.4を改正する"}
    )
    trigger.refresh_from_db()
    assert trigger.resolved_by == policy_officer
    assert _titles(policy_officer, "policy_trigger") == []


def test_a_trigger_for_an_unknown_code_is_refused(db):
    with pytest.raises(services.PolicyActionError) as caught:
        services.raise_review_trigger(actor=None, section_code="99.9", reason="x")
    assert caught.value.code == "unknown_section"


def test_items_of_other_registers_link_to_a_standard_code_and_to_a_section(procedure, city):
    asset = city.shimin  # stands in for an information asset row
    by_code = services.link_item(actor=None, item=asset, kind="asset", section_code="3.1")
    again = services.link_item(actor=None, item=asset, kind="asset", section_code="3.1")
    assert by_code.pk == again.pk
    section = procedure.current_version().sections.first()
    by_section = services.link_item(actor=None, item=city.zeimu, kind="audit_item", section=section)
    assert [link.pk for link in services.links_for(section_code="3.1")] == [by_code.pk]
    assert [link.pk for link in services.links_for(section=section)] == [by_section.pk]
    assert by_section.target_type == ContentType.objects.get_for_model(city.zeimu)


def test_sections_in_force_are_found_by_standard_code(procedure, policy_officer, committee, ciso):
    from mamori.policies.models import StandardSection

    draft = services.start_draft(actor=policy_officer, document=procedure)
    section = draft.sections.get(heading="端末の起動")
    services.save_section(
        actor=policy_officer,
        section=section,
        number="第1章",
        heading="端末の起動",
        text=section.text,
        level=1,
        standard_section=StandardSection.objects.get(code="3.1"),
    )
    assert services.sections_for_code("3.1") == []  # still a draft
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 5, 1))
    assert [s.heading for s in services.sections_for_code("3.1")] == ["端末の起動"]
    # A link made to the old version's section still applies: lineage is kept across versions.
    link = services.link_item(
        actor=None,
        item=procedure.owner_unit,
        kind="asset",
        section=procedure.versions.get(number=1).sections.get(heading="端末の起動"),
    )
    new_section = procedure.current_version().sections.get(heading="端末の起動")
    assert link in services.links_for(section=new_section)


def test_a_review_due_at_month_end_falls_on_the_last_day_of_a_shorter_month(procedure):
    procedure.last_reviewed_on = dt.date(2025, 1, 31)
    procedure.review_interval_months = 1
    assert procedure.review_due_on() == dt.date(2025, 2, 28)
