"""The 対策基準 section tree is editable data with stable codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mamori.policies import services
from mamori.policies.models import StandardSection


def test_the_tree_ships_with_the_guideline_codes(db):
    assert StandardSection.objects.get(code="3.2").title == "LGWAN接続系"
    assert StandardSection.objects.get(code="3.2").parent.code == "3"
    assert StandardSection.objects.filter(parent__isnull=True).count() == 9


def test_policy_office_renames_retires_and_adds_codes_on_the_page(policy_officer, login):
    client = login(policy_officer)
    client.post(
        reverse("policies:standard_edit", args=["3.3"]),
        {"title": "インターネット接続系（α'モデル）", "is_active": "on"},
    )
    assert StandardSection.objects.get(code="3.3").title == "インターネット接続系（α'モデル）"
    client.post(reverse("policies:standard_edit", args=["8.4"]), {"title": "外部サービスの利用（機密性1）"})
    assert StandardSection.objects.get(code="8.4").is_active is False
    client.post(reverse("policies:standard_tree"), {"parent": "3", "code": "3.4", "title": "独立系"})
    added = StandardSection.objects.get(code="3.4")
    assert (added.parent.code, added.title) == ("3", "独立系")
    page = client.get(reverse("policies:standard_tree")).content.decode()
    assert "独立系" in page and "（廃止）" in page


@pytest.mark.parametrize("code", ["4.1", "3", "3.4.1", "3.あ", ""])
def test_bad_or_duplicate_codes_are_refused(code, policy_officer):
    with pytest.raises(services.PolicyActionError):
        services.add_standard_section(
            actor=policy_officer, parent=StandardSection.objects.get(code="3"), code=code, title="x"
        )


def test_only_the_policy_office_edits_the_tree(staff, committee, login):
    assert login(staff).get(reverse("policies:standard_tree")).status_code == 404
    assert login(committee).get(reverse("policies:standard_tree")).status_code == 200
    response = login(committee).post(reverse("policies:standard_edit", args=["3.3"]), {"title": "改ざん"})
    assert response.status_code == 404
    assert StandardSection.objects.get(code="3.3").title == "インターネット接続系"
