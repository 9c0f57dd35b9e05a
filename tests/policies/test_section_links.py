"""A 対策基準 section links to what other registers keep for it, shown only to those who may see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mamori.policies.models import StandardSection

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(city, policy_officer, committee, ciso):
    """The 対策基準 in force, with its section 5.4 linked to the standard section code 5.4."""
    from mamori.policies import services

    document = services.create_document(
        actor=policy_officer,
        title="情報セキュリティ対策基準",
        layer="standard",
        body=city.body,
        audience="staff",
    )
    draft = services.start_draft(actor=policy_officer, document=document, change_summary="制定")
    services.add_section(
        actor=policy_officer,
        version=draft,
        after=None,
        number="5.4",
        heading="パスワード",
        text="パスワードを他人と共用しない。",
        level=2,
        standard_section=StandardSection.objects.get(code="5.4"),
    )
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    return services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 4, 1))


def test_standard_text_links_to_the_review_input_only_for_those_who_may_open_it(
    standard, policy_officer, committee, staff, login
):
    url = reverse("policies:version", args=[standard.document_id, standard.number])
    link = reverse("inspections:review_section", args=["5.4"])
    assert link in login(policy_officer).get(url).content.decode()
    assert link in login(committee).get(url).content.decode()
    page = login(staff).get(url)
    assert page.status_code == 200
    assert "パスワードを他人と共用しない" in page.content.decode()
    assert link not in page.content.decode()
    assert login(staff).get(link).status_code == 404


@pytest.fixture
def linked_assets(city, policy_officer, section_head, other_staff):
    """A 市民課 asset and a 税務課 asset, both linked to 対策基準 5.4."""
    from mamori.assets import services
    from mamori.assets.models import Asset, Level

    def level(axis, code):
        return Level.objects.get(scheme__code="r6", axis=axis, code=code)

    def make(code, name, unit, owner):
        return services.save_asset(
            None,
            actor=policy_officer,
            values={
                "code": code,
                "name": name,
                "kind": Asset.Kind.ELECTRONIC,
                "unit": unit,
                "owner": owner,
                "confidentiality": level("confidentiality", "3C"),
                "integrity": level("integrity", "2"),
                "availability": level("availability", "2"),
            },
            sections=[StandardSection.objects.get(code="5.4")],
        )

    return {
        "shimin": make("IA-5401", "窓口端末のパスワード台帳", city.shimin, section_head.person),
        "zeimu": make("IA-5402", "税務端末のパスワード台帳", city.zeimu, other_staff.person),
    }


def _section_page(client, code="5.4"):
    return client.get(reverse("policies:standard_section", args=[code]))


def test_section_page_lists_linked_assets_checklist_and_audit_items_for_the_policy_section(
    linked_assets, policy_officer, login
):
    page = _section_page(login(policy_officer))
    text = page.content.decode()
    assert page.status_code == 200
    assert "窓口端末のパスワード台帳" in text and "税務端末のパスワード台帳" in text
    assert "5.4-01" in text  # a checklist item of the section
    assert "A-5.4-01" in text  # an audit item of the section
    assert reverse("inspections:review_section", args=["5.4"]) in text


def test_staff_see_only_the_assets_of_their_own_unit_on_the_section_page(linked_assets, other_staff, login):
    text = _section_page(login(other_staff)).content.decode()
    assert "税務端末のパスワード台帳" in text
    assert "窓口端末のパスワード台帳" not in text
    assert "IA-5401" not in text


def test_staff_see_checklist_items_but_neither_audit_items_nor_the_review_input(linked_assets, staff, login):
    text = _section_page(login(staff)).content.decode()
    assert "5.4-01" in text
    assert "A-5.4-01" not in text
    assert reverse("inspections:review_section", args=["5.4"]) not in text


def test_section_page_answers_404_for_an_unknown_code_and_for_a_login_without_a_person(
    policy_officer, contractor, login
):
    assert _section_page(login(policy_officer), "99.9").status_code == 404
    assert _section_page(login(contractor)).status_code == 404


def test_standard_text_and_tree_link_to_the_section_page(standard, policy_officer, staff, login):
    link = reverse("policies:standard_section", args=["5.4"])
    url = reverse("policies:version", args=[standard.document_id, standard.number])
    assert link in login(staff).get(url).content.decode()
    assert link in login(policy_officer).get(reverse("policies:standard_tree")).content.decode()
