"""Answering: autosave per answer, the no-JS save button, submitting, and the unit head's review."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from mamori.inspections import services
from mamori.inspections.errors import InspectionError, NotAllowed
from mamori.inspections.models import Answer, AnswerSheet

from .conftest import answer_all, sheet_of

pytestmark = pytest.mark.django_db


def test_autosave_stores_each_answer_as_it_changes(make_campaign, staff, login):
    campaign = make_campaign()
    sheet = sheet_of(campaign, staff)
    item = sheet.answers.first().campaign_item_id
    client = login(staff)
    response = client.post(f"/inspections/sheets/{sheet.pk}/autosave/", {"item": item, "value": "not_done"})
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert "保存しました" in response.json()["message"]
    answer = sheet.answers.get(campaign_item_id=item)
    assert (answer.value, answer.points) == ("not_done", 0)
    # The comment is posted on its own later: the value stays.
    client.post(f"/inspections/sheets/{sheet.pk}/autosave/", {"item": item, "comment": "USB の台帳がない"})
    answer.refresh_from_db()
    assert (answer.value, answer.comment) == ("not_done", "USB の台帳がない")
    sheet.refresh_from_db()
    assert sheet.status == AnswerSheet.Status.IN_PROGRESS


def test_autosave_refuses_someone_elses_sheet_with_a_japanese_message(
    make_campaign, staff, other_staff, login
):
    sheet = sheet_of(make_campaign(), staff)
    item = sheet.answers.first().campaign_item_id
    response = login(other_staff).post(
        f"/inspections/sheets/{sheet.pk}/autosave/", {"item": item, "value": "done"}
    )
    assert response.status_code == 404
    assert response.json() == {"ok": False, "message": "この点検票には回答できません。"}
    assert sheet.answers.get(campaign_item_id=item).value == ""


def test_autosave_rejects_an_unknown_value(make_campaign, staff, login):
    sheet = sheet_of(make_campaign(), staff)
    item = sheet.answers.first().campaign_item_id
    response = login(staff).post(
        f"/inspections/sheets/{sheet.pk}/autosave/", {"item": item, "value": "maybe"}
    )
    assert response.status_code == 400
    assert response.json()["message"] == "回答の選択肢が正しくありません。"


def test_save_button_without_javascript_saves_every_answer(make_campaign, staff, login):
    sheet = sheet_of(make_campaign(), staff)
    data = {}
    for answer in sheet.answers.all():
        data[f"value-{answer.campaign_item_id}"] = "partial"
        data[f"comment-{answer.campaign_item_id}"] = "半分ほど"
    data["save"] = "1"
    response = login(staff).post(f"/inspections/sheets/{sheet.pk}/", data)
    assert response.status_code == 302
    assert set(sheet.answers.values_list("value", "comment")) == {("partial", "半分ほど")}
    assert sheet.answers.count() == 3


def test_sheet_page_works_as_a_form_and_loads_the_autosave_script(make_campaign, staff, login):
    sheet = sheet_of(make_campaign(), staff)
    page = login(staff).get(f"/inspections/sheets/{sheet.pk}/").content.decode()
    assert 'data-autosave-url="/inspections/sheets/' in page
    assert "inspections/js/sheet.js" in page
    assert 'name="save"' in page and 'name="submit"' in page
    assert "<script>" not in page and "onclick" not in page


def test_submit_lists_the_unanswered_items(make_campaign, staff):
    sheet = sheet_of(make_campaign(), staff)
    first = sheet.answers.first()
    services.save_answer(sheet, first.campaign_item_id, actor=staff, value="done", comment="")
    with pytest.raises(InspectionError, match=re.escape("未回答の項目があります（5.2-01、5.4-01）")):
        services.submit_sheet(sheet, actor=staff)


def test_unit_head_returns_an_answer_and_accepts_after_the_fix(
    make_campaign, staff, section_head, django_capture_on_commit_callbacks
):
    staff.person.email = "staff@city.example.lg.jp"
    staff.person.save()
    sheet = sheet_of(make_campaign(), staff)
    answer_all(sheet, staff)
    services.submit_sheet(sheet, actor=staff)
    returned = sheet.answers.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_answers(
            sheet, actor=section_head, comments={returned.pk: "本当に全員ですか。確認してください。"}
        )
    sheet.refresh_from_db()
    assert sheet.status == AnswerSheet.Status.RETURNED
    assert mail.outbox[-1].to == ["staff@city.example.lg.jp"]
    # Only the returned answer may change now.
    other = sheet.answers.exclude(pk=returned.pk).first()
    with pytest.raises(InspectionError, match="差し戻された回答だけ"):
        services.save_answer(sheet, other.campaign_item_id, actor=staff, value="na", comment="")
    services.save_answer(
        sheet, returned.campaign_item_id, actor=staff, value="partial", comment="2名が未実施"
    )
    services.submit_sheet(sheet, actor=staff)
    services.accept_sheet(sheet, actor=section_head)
    sheet.refresh_from_db()
    assert sheet.status == AnswerSheet.Status.ACCEPTED
    assert set(sheet.answers.values_list("review", flat=True)) == {Answer.Review.ACCEPTED}


def test_returning_needs_a_reason(make_campaign, staff, section_head):
    sheet = sheet_of(make_campaign(), staff)
    answer_all(sheet, staff)
    services.submit_sheet(sheet, actor=staff)
    with pytest.raises(InspectionError, match="理由を書いてください"):
        services.return_answers(sheet, actor=section_head, comments={sheet.answers.first().pk: " "})


def test_head_of_another_unit_cannot_review(make_campaign, staff, zeimu_head):
    sheet = sheet_of(make_campaign(), staff)
    answer_all(sheet, staff)
    services.submit_sheet(sheet, actor=staff)
    with pytest.raises(NotAllowed):
        services.accept_sheet(sheet, actor=zeimu_head)


def test_head_cannot_review_their_own_sheet(make_campaign, section_head):
    sheet = sheet_of(make_campaign(), section_head)
    answer_all(sheet, section_head)
    services.submit_sheet(sheet, actor=section_head)
    with pytest.raises(NotAllowed, match="ご自身の点検票"):
        services.accept_sheet(sheet, actor=section_head)


def test_review_page_returns_the_chosen_answer(make_campaign, staff, section_head, login):
    sheet = sheet_of(make_campaign(), staff)
    answer_all(sheet, staff)
    services.submit_sheet(sheet, actor=staff)
    answer = sheet.answers.last()
    client = login(section_head)
    assert (
        client.get("/inspections/review-queue/")
        .content.decode()
        .count(f"/inspections/sheets/{sheet.pk}/review/")
        == 1
    )
    response = client.post(
        f"/inspections/sheets/{sheet.pk}/review/",
        {"return": "1", f"return-{answer.pk}": "1", f"reason-{answer.pk}": "証拠を"},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.review, answer.review_comment) == ("returned", "証拠を")
