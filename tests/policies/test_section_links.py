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
