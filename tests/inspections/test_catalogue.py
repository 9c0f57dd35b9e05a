"""The shipped catalogue and how a municipality edits, adds, retires items and starts versions."""

from __future__ import annotations

import re

import pytest

from mamori.inspections import services
from mamori.inspections.errors import InspectionError, NotAllowed
from mamori.inspections.models import CatalogueVersion, ChecklistItem, RespondentType
from mamori.policies.models import StandardSection

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_shipped_catalogue_has_at_least_120_items_in_plain_japanese():
    items = list(ChecklistItem.objects.filter(is_active=True))
    assert len(items) >= 120
    assert all(JAPANESE.search(i.question) for i in items)
    assert all(i.question.rstrip("）。").endswith(("か", "か（クリアデスク")) for i in items)


def test_every_section_of_the_tree_has_an_item():
    covered = set(ChecklistItem.objects.values_list("section__code", flat=True))
    assert set(StandardSection.objects.values_list("code", flat=True)) <= covered


def test_catalogue_asks_all_three_kinds_of_respondent_and_flags_evidence_and_priority():
    kinds = set(ChecklistItem.objects.values_list("respondent_type", flat=True))
    assert kinds == set(RespondentType.values)
    assert ChecklistItem.objects.filter(requires_evidence=True).count() > 10
    assert ChecklistItem.objects.filter(is_priority=True).count() > 10
    questions = " ".join(ChecklistItem.objects.values_list("question", flat=True))
    for topic in ("USB", "パスワード", "バックアップ", "ログ", "委託", "インシデント"):
        assert topic in questions


def test_shipped_items_belong_to_the_current_guideline_version():
    version = CatalogueVersion.objects.get(is_current=True)
    assert version.guideline_version == "2025-03"
    assert not ChecklistItem.objects.exclude(version=version).exists()


def test_officer_adds_a_local_item_with_the_next_code_of_its_section(policy_officer):
    section = StandardSection.objects.get(code="5.4")
    item = services.create_item(
        actor=policy_officer,
        section=section,
        respondent_type="staff",
        question="共用端末からログアウトしていますか。",
    )
    assert item.code == "5.4-07"
    assert item.is_local and item.is_active


def test_editing_records_the_current_version(policy_officer):
    new = services.start_catalogue_version(
        actor=policy_officer, guideline_version="2026-03", title="2026年版"
    )
    item = ChecklistItem.objects.get(code="5.4-01")
    assert (
        services.update_item(item, actor=policy_officer, question="パスワードを人に教えていませんか。")
        is True
    )
    item.refresh_from_db()
    assert item.version == new
    assert CatalogueVersion.objects.filter(is_current=True).get() == new
    assert (
        services.update_item(item, actor=policy_officer, question="パスワードを人に教えていませんか。")
        is False
    )


def test_retired_item_is_not_asked_in_new_campaigns_and_can_be_restored(
    policy_officer, make_campaign, staff_items
):
    item = staff_items[0]
    services.retire_item(item, actor=policy_officer)
    item.refresh_from_db()
    assert not item.is_active and item.retired_in is not None
    campaign = make_campaign()
    assert item.pk not in set(campaign.items.values_list("item_id", flat=True))
    services.restore_item(item, actor=policy_officer)
    item.refresh_from_db()
    assert item.is_active and item.retired_in is None


def test_campaign_keeps_the_wording_it_asked_after_the_item_is_edited(
    policy_officer, make_campaign, staff_items
):
    campaign = make_campaign()
    original = staff_items[0].question
    services.update_item(staff_items[0], actor=policy_officer, question="まったく新しい質問ですか。")
    assert campaign.items.get(item=staff_items[0]).question == original


def test_staff_cannot_edit_the_catalogue(staff):
    with pytest.raises(NotAllowed):
        services.retire_item(ChecklistItem.objects.first(), actor=staff)


def test_duplicate_version_is_refused_in_japanese(policy_officer):
    with pytest.raises(InspectionError, match="既にあります"):
        services.start_catalogue_version(actor=policy_officer, guideline_version="2025-03", title="x")


def test_catalogue_page_lists_items_and_filters_by_chapter(login, staff):
    client = login(staff)
    response = client.get("/inspections/catalogue/?section=5&respondent=staff")
    assert response.status_code == 200
    body = response.content.decode()
    assert "5.4-01" in body
    assert "6.4-02" not in body
    assert "項目を追加" not in body


def test_officer_edits_an_item_through_the_form(login, policy_officer):
    client = login(policy_officer)
    item = ChecklistItem.objects.get(code="5.4-01")
    response = client.post(
        f"/inspections/catalogue/{item.pk}/",
        {
            "section": item.section_id,
            "respondent_type": "staff",
            "question": "パスワードを紙に書いていませんか。",
            "guidance": "",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.question == "パスワードを紙に書いていませんか。"
