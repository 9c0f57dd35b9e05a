"""The approval workflow: draft → 委員会 review → CISO approval → in force; approved versions never change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mamori.policies import services
from mamori.policies.models import ApprovedVersionError, DocumentEvent, VersionStatus


@pytest.fixture
def document(city, policy_officer):
    return services.create_document(
        actor=policy_officer, title="青葉台市情報セキュリティ対策基準", layer="standard", body=city.body
    )


@pytest.fixture
def draft(document, policy_officer):
    draft = services.start_draft(actor=policy_officer, document=document, change_summary="制定")
    services.add_section(
        actor=policy_officer,
        version=draft,
        after=None,
        number="第1章",
        heading="組織体制",
        text="委員会を置く。",
        level=1,
    )
    services.add_section(
        actor=policy_officer,
        version=draft,
        after=None,
        number="1",
        heading="CISO",
        text="副市長とする。",
        level=2,
    )
    return draft


def test_a_draft_goes_through_review_and_approval_into_force(draft, policy_officer, committee, ciso):
    services.submit_for_review(actor=policy_officer, version=draft, comment="ご審議ください")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW
    services.record_committee_decision(actor=committee, version=draft, approve=True, comment="了承")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.AWAITING_APPROVAL
    services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 4, 1), comment="承認")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_FORCE
    assert draft.approved_by == ciso
    assert draft.label == "令和7年4月1日施行版"
    assert [c.text for c in draft.comments.all()] == ["ご審議ください", "了承", "承認"]
    kinds = list(draft.document.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[-4:] == ["submitted", "reviewed", "approved", "in_force"]


def test_sections_are_citable_by_effective_date_and_number(draft, policy_officer, committee, ciso):
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 4, 1))
    draft.refresh_from_db()
    section = draft.sections.get(heading="CISO")
    assert section.full_number == "第1章1"
    assert section.citation() == "令和7年4月1日施行版 第1章1"


@pytest.mark.parametrize(
    ("step", "role"),
    [
        ("submit", "committee"),
        ("submit", "ciso"),
        ("review", "policy_officer"),
        ("review", "ciso"),
        ("approve", "committee"),
        ("approve", "policy_officer"),
    ],
)
def test_only_the_named_role_may_take_each_step(step, role, draft, policy_officer, committee, ciso, request):
    actor = request.getfixturevalue(role)
    if step in ("review", "approve"):
        services.submit_for_review(actor=policy_officer, version=draft)
    if step == "approve":
        services.record_committee_decision(actor=committee, version=draft, approve=True)
    with pytest.raises(services.PolicyActionError) as caught:
        if step == "submit":
            services.submit_for_review(actor=actor, version=draft)
        elif step == "review":
            services.record_committee_decision(actor=actor, version=draft, approve=True)
        else:
            services.approve_version(actor=actor, version=draft, effective_on=dt.date(2025, 4, 1))
    assert caught.value.code == "forbidden"


def test_steps_cannot_be_skipped(draft, policy_officer, committee, ciso):
    with pytest.raises(services.PolicyActionError) as caught:
        services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 4, 1))
    assert caught.value.code == "bad_state"
    with pytest.raises(services.PolicyActionError):
        services.record_committee_decision(actor=committee, version=draft, approve=True)


def test_committee_return_needs_a_reason_and_reopens_the_draft(draft, policy_officer, committee):
    services.submit_for_review(actor=policy_officer, version=draft)
    with pytest.raises(services.PolicyActionError) as caught:
        services.record_committee_decision(actor=committee, version=draft, approve=False, comment="")
    assert caught.value.code == "reason_required"
    services.record_committee_decision(actor=committee, version=draft, approve=False, comment="第1章を再検討")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert draft.document.events.filter(kind=DocumentEvent.Kind.RETURNED).exists()


def test_ciso_can_return_a_version_awaiting_approval(draft, policy_officer, committee, ciso):
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.return_to_draft(actor=ciso, version=draft, comment="施行日を再考")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_sections_cannot_be_edited_once_submitted_or_approved(draft, policy_officer, committee, ciso):
    section = draft.sections.first()
    services.submit_for_review(actor=policy_officer, version=draft)
    with pytest.raises(services.PolicyActionError) as caught:
        services.save_section(
            actor=policy_officer, section=section, number="第1章", heading="改ざん", text="", level=1
        )
    assert caught.value.code == "not_draft"
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 4, 1))
    with pytest.raises(services.PolicyActionError):
        services.delete_section(actor=policy_officer, section=section)


def test_approved_versions_are_kept_for_ever(draft, policy_officer, committee, ciso):
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 4, 1))
    with pytest.raises(ApprovedVersionError):
        draft.delete()


def test_a_new_version_supersedes_the_one_in_force_and_keeps_it(
    document, draft, policy_officer, committee, ciso
):
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 4, 1))
    second = services.start_draft(actor=policy_officer, document=document, change_summary="改正")
    assert [s.lineage for s in second.sections.all()] == [s.lineage for s in draft.sections.all()]
    services.submit_for_review(actor=policy_officer, version=second)
    services.record_committee_decision(actor=committee, version=second, approve=True)
    services.approve_version(actor=ciso, version=second, effective_on=dt.date(2026, 4, 1))
    draft.refresh_from_db()
    assert draft.status == VersionStatus.SUPERSEDED
    assert document.current_version() == second
    assert draft.sections.count() == 2


def test_only_one_open_draft_per_document(document, draft, policy_officer):
    with pytest.raises(services.PolicyActionError) as caught:
        services.start_draft(actor=policy_officer, document=document)
    assert caught.value.code == "draft_exists"


def test_a_future_effective_date_waits_until_the_daily_run(draft, policy_officer, committee, ciso, staff):
    future = timezone.localdate() + dt.timedelta(days=10)
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=future)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.APPROVED
    assert draft.receipts.count() == 0
    assert services.bring_due_versions_into_force(today=future - dt.timedelta(days=1)) == 0
    assert services.bring_due_versions_into_force(today=future) == 1
    assert services.bring_due_versions_into_force(today=future) == 0
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_FORCE
    assert draft.receipts.filter(person=staff.person).exists()


def test_procedures_can_never_be_public(city, policy_officer):
    with pytest.raises(services.PolicyActionError) as caught:
        services.create_document(
            actor=policy_officer, title="手順", layer="procedure", owner_unit=city.shimin, audience="public"
        )
    assert caught.value.code == "procedure_public"


def test_procedures_default_to_their_unit_and_system_managers(city, policy_officer):
    document = services.create_document(
        actor=policy_officer, title="手順", layer="procedure", owner_unit=city.shimin
    )
    assert document.audience == "restricted"
    assert document.include_system_managers is True
    assert list(document.audience_units.all()) == [city.shimin]


def test_the_workflow_runs_through_the_pages(draft, policy_officer, committee, ciso, login):
    url = reverse("policies:version_action", args=[draft.document_id, draft.number])
    response = login(policy_officer).post(url, {"action": "submit", "comment": "審議をお願いします"})
    assert response.status_code == 302
    page = (
        login(committee)
        .get(reverse("policies:version", args=[draft.document_id, draft.number]))
        .content.decode()
    )
    assert "委員会として承認し、CISOへ" in page
    login(committee).post(url, {"action": "review_approve"})
    login(ciso).post(url, {"action": "approve", "effective_on": "2025-04-01"})
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_FORCE


def test_a_staff_member_posting_an_approval_changes_nothing(draft, policy_officer, committee, staff, login):
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    url = reverse("policies:version_action", args=[draft.document_id, draft.number])
    response = login(staff).post(url, {"action": "approve", "effective_on": "2025-04-01"})
    assert response.status_code == 404  # the draft does not exist for staff
    draft.refresh_from_db()
    assert draft.status == VersionStatus.AWAITING_APPROVAL


def test_section_edit_page_saves_a_draft_section(draft, policy_officer, login):
    section = draft.sections.get(heading="CISO")
    client = login(policy_officer)
    url = reverse("policies:section_edit", args=[draft.document_id, draft.number, section.pk])
    response = client.post(
        url,
        {
            "number": "1",
            "heading": "最高情報セキュリティ責任者",
            "level": 2,
            "text": "副市長をもって充てる。",
            "audience": "inherit",
        },
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.heading == "最高情報セキュリティ責任者"
    assert section.full_number == "第1章1"
    assert draft.document.events.filter(kind="edited").exists()


def test_diff_page_shows_inline_and_side_by_side_changes(
    draft, policy_officer, committee, ciso, staff, login
):
    document = draft.document
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 4, 1))
    second = services.start_draft(actor=policy_officer, document=document)
    section = second.sections.get(heading="CISO")
    services.save_section(
        actor=policy_officer,
        section=section,
        number="1",
        heading="CISO",
        text="副市長をもって充てる。",
        level=2,
    )
    services.submit_for_review(actor=policy_officer, version=second)
    services.record_committee_decision(actor=committee, version=second, approve=True)
    services.approve_version(actor=ciso, version=second, effective_on=dt.date(2026, 4, 1))
    client = login(staff)
    inline = client.get(reverse("policies:diff", args=[document.pk]) + "?old=1&new=2").content.decode()
    assert '<del class="diff-del">とする</del>' in inline
    assert '<ins class="diff-ins">をもって充てる</ins>' in inline
    side = client.get(
        reverse("policies:diff", args=[document.pk]) + "?old=1&new=2&mode=side"
    ).content.decode()
    assert "令和7年4月1日施行版（旧）" in side and "令和8年4月1日施行版（新）" in side


def test_a_procedure_created_on_the_page_defaults_to_its_unit(city, policy_officer, login):
    from mamori.policies.models import PolicyDocument

    response = login(policy_officer).post(
        reverse("policies:create"),
        {
            "title": "税務システム運用手順",
            "layer": "procedure",
            "owner_unit": city.zeimu.pk,
            "audience": "",
            "review_interval_months": 12,
        },
    )
    assert response.status_code == 302
    document = PolicyDocument.objects.get(title="税務システム運用手順")
    assert document.audience == "restricted"
    assert list(document.audience_units.all()) == [city.zeimu]


def test_the_page_refuses_a_public_procedure(city, policy_officer, login):
    response = login(policy_officer).post(
        reverse("policies:create"),
        {
            "title": "公開手順",
            "layer": "procedure",
            "owner_unit": city.zeimu.pk,
            "audience": "public",
            "review_interval_months": 12,
        },
    )
    assert "実施手順は一般公開できません。" in response.content.decode()


def test_sections_of_an_approved_version_refuse_changes_even_outside_the_services(procedure):
    section = procedure.current_version().sections.first()
    section.text = "書き換え"
    with pytest.raises(ApprovedVersionError):
        section.save()
    with pytest.raises(ApprovedVersionError):
        section.delete()


def test_only_an_approved_version_can_be_brought_into_force(draft):
    with pytest.raises(services.PolicyActionError) as caught:
        services.bring_into_force(draft, actor=None)
    assert caught.value.code == "bad_state"
