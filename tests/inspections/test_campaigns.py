"""Creating, opening, reminding and closing a 年度's campaign, and carrying it over to the next 年度."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from mamori.inspections import services
from mamori.inspections.errors import InspectionError, NotAllowed
from mamori.inspections.models import AnswerSheet, Campaign, ChecklistItem

from .conftest import answer_all, sheet_of

pytestmark = pytest.mark.django_db


def _emails(*users):
    for user in users:
        user.person.email = f"{user.username}@city.example.lg.jp"
        user.person.save()


def test_campaign_gives_every_staff_member_of_the_chosen_units_a_sheet(
    make_campaign, staff, other_staff, section_head
):
    campaign = make_campaign(open_it=False)
    people = set(campaign.sheets.values_list("person__user__username", flat=True))
    assert people == {"staff", "other", "head"}
    assert campaign.status == Campaign.Status.DRAFT
    assert all(s.answers.count() == 3 for s in campaign.sheets.all())


def test_unit_and_system_items_go_to_the_role_holders_of_each_unit(
    make_campaign, section_head, system_manager, staff
):
    items = ChecklistItem.objects.filter(code__in=["2-01", "6.1-01", "4.4-01"])
    campaign = make_campaign(items=list(items), types=("staff", "unit", "system"))
    unit_sheet = sheet_of(campaign, section_head, "unit")
    assert [a.campaign_item.item.code for a in unit_sheet.answers.all()] == ["2-01"]
    system_sheet = sheet_of(campaign, system_manager, "system")
    assert [a.campaign_item.item.code for a in system_sheet.answers.all()] == ["6.1-01"]
    assert system_sheet.system is None
    assert not campaign.sheets.filter(person__user=staff, respondent_type="unit").exists()


def test_opening_mails_the_respondents_and_puts_a_task_on_their_dashboard(
    make_campaign, staff, other_staff, login, django_capture_on_commit_callbacks
):
    _emails(staff, other_staff)
    campaign = make_campaign(open_it=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_campaign(campaign, actor=_officer())
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"staff@city.example.lg.jp", "other@city.example.lg.jp"}
    assert "自己点検への回答をお願いします" in mail.outbox[0].subject
    page = login(staff).get("/")
    assert "自己点検の回答: テスト自己点検" in page.content.decode()


def _officer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="policy")


def test_reminders_go_only_to_those_who_have_not_submitted(
    make_campaign, policy_officer, staff, other_staff, django_capture_on_commit_callbacks
):
    _emails(staff, other_staff)
    campaign = make_campaign()
    sheet = sheet_of(campaign, staff)
    answer_all(sheet, staff)
    services.submit_sheet(sheet, actor=staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_campaign_reminders(campaign, actor=policy_officer) == 1
    assert mail.outbox[0].to == ["other@city.example.lg.jp"]


def test_reminder_task_runs_through_the_task_backend(
    make_campaign, other_staff, django_capture_on_commit_callbacks
):
    from mamori.inspections.tasks import remind_campaign

    _emails(other_staff)
    campaign = make_campaign()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = remind_campaign.enqueue(campaign.pk)
    assert result.return_value == 1
    assert len(mail.outbox) == 1


def test_closed_campaign_refuses_answers(make_campaign, policy_officer, staff):
    campaign = make_campaign()
    services.close_campaign(campaign, actor=policy_officer)
    sheet = sheet_of(campaign, staff)
    with pytest.raises(InspectionError, match="受付期間外"):
        services.save_answer(
            sheet, sheet.answers.first().campaign_item_id, actor=staff, value="done", comment=""
        )


def test_staff_cannot_create_a_campaign(staff, city, staff_items):
    with pytest.raises(NotAllowed):
        services.create_campaign(
            actor=staff,
            fiscal_year=2026,
            title="x",
            opens_on=dt.date(2026, 5, 1),
            closes_on=dt.date(2026, 5, 31),
            units=[city.shimin],
            respondent_types=["staff"],
            items=staff_items,
        )


def test_officer_creates_a_campaign_from_the_catalogue_with_the_form(
    login, policy_officer, city, staff, other_staff
):
    client = login(policy_officer)
    response = client.post(
        "/inspections/campaigns/new/",
        {
            "fiscal_year": 2026,
            "title": "令和8年度 自己点検",
            "opens_on": "2026-06-01",
            "closes_on": "2026-06-30",
            "units": [city.shimin.pk, city.zeimu.pk],
            "respondent_types": ["staff"],
            "sections": ["5"],
            "priority_only": "on",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="令和8年度 自己点検")
    codes = set(campaign.items.values_list("item__code", flat=True))
    assert codes and all(code.startswith("5") for code in codes)
    assert campaign.sheets.count() == 2
    detail = client.get(f"/inspections/campaigns/{campaign.pk}/")
    assert "市民課" in detail.content.decode() and "税務課" in detail.content.decode()


def test_carry_over_reuses_units_and_active_items_and_shows_last_years_answers(
    make_campaign, policy_officer, staff, staff_items, login
):
    last = make_campaign(year=2025)
    sheet = sheet_of(last, staff)
    answer_all(sheet, staff, value="not_done", comment="研修日に窓口当番だった")
    services.submit_sheet(sheet, actor=staff)
    services.close_campaign(last, actor=policy_officer)
    services.retire_item(staff_items[2], actor=policy_officer)

    current = services.create_campaign_from(
        last,
        actor=policy_officer,
        fiscal_year=2026,
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=20),
    )
    assert current.previous == last
    assert set(current.units.all()) == set(last.units.all())
    assert set(current.items.values_list("item__code", flat=True)) == {i.code for i in staff_items[:2]}
    services.open_campaign(current, actor=policy_officer)
    page = login(staff).get(f"/inspections/sheets/{sheet_of(current, staff).pk}/").content.decode()
    assert page.count("前年度の回答: <strong>未実施</strong>") == 2
    assert "研修日に窓口当番だった" in page


def test_new_section_head_sees_what_the_unit_answered_last_year(
    make_campaign, policy_officer, section_head, city, login
):
    from tests.conftest import make_person

    items = list(ChecklistItem.objects.filter(code="2-01"))
    last = make_campaign(items=items, types=("unit",), year=2025)
    old_sheet = sheet_of(last, section_head, "unit")
    answer_all(old_sheet, section_head, value="partial", comment="台帳の見直しは半分まで")
    services.close_campaign(last, actor=policy_officer)
    # The head rotates out; a new head takes over the unit.
    assignment = section_head.person.assignments.get()
    assignment.ends_on = dt.date.today() - dt.timedelta(days=2)
    assignment.save()
    successor = make_person(
        "new-head", city.shimin, number="900020", family="森", roles=[("security_manager", city.shimin)]
    )
    current = services.create_campaign_from(
        last,
        actor=policy_officer,
        fiscal_year=2026,
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=20),
    )
    sheet = current.sheets.get(respondent_type="unit")
    assert sheet.person == successor.person
    services.open_campaign(current, actor=policy_officer)
    page = login(successor).get(f"/inspections/sheets/{sheet.pk}/").content.decode()
    assert "前年度の回答: <strong>一部実施</strong>" in page
    assert "台帳の見直しは半分まで" in page


def test_sheet_status_is_counted_on_the_campaign_page(make_campaign, staff, login, policy_officer):
    campaign = make_campaign()
    sheet = sheet_of(campaign, staff)
    answer_all(sheet, staff)
    services.submit_sheet(sheet, actor=staff)
    assert AnswerSheet.objects.get(pk=sheet.pk).status == AnswerSheet.Status.SUBMITTED
    page = login(policy_officer).get(f"/inspections/campaigns/{campaign.pk}/").content.decode()
    assert "提出済 1件" in page


def test_system_manager_answers_once_per_register_system_and_it_carries_over(
    make_campaign, system_manager, policy_officer, city, register
):
    items = list(ChecklistItem.objects.filter(code__in=["6.1-01", "7.1-02"]))
    campaign = make_campaign(
        items=items,
        types=("system",),
        systems=[register["jyuki"], register["yoyaku"]],
        year=2025,
    )
    names = sorted(campaign.sheets.filter(person__user=system_manager).values_list("system__name", flat=True))
    assert names == ["住民基本台帳システム", "窓口予約システム"]
    services.close_campaign(campaign, actor=policy_officer)
    current = services.create_campaign_from(
        campaign, actor=policy_officer, fiscal_year=2026, opens_on=dt.date.today(), closes_on=dt.date.today()
    )
    assert sorted(current.sheets.values_list("system__name", flat=True)) == names


def test_register_manager_of_a_system_answers_for_it_besides_the_units_system_managers(
    make_campaign, system_manager, policy_officer, city, register, other_staff
):
    from mamori.assets import services as assets_services

    # The register names a 税務課 member as the manager of the 税務課 system; 税務課 has no
    # system-manager role holder, so only the named manager answers for it.
    assets_services.save_system(
        register["zeimu"], actor=policy_officer, values={"manager": other_staff.person}
    )
    items = list(ChecklistItem.objects.filter(code__in=["6.1-01"]))
    campaign = make_campaign(items=items, types=("system",), systems=[register["zeimu"]])
    sheets = list(campaign.sheets.values_list("person__user__username", "system__code", "unit__code"))
    assert ("other", "SYS-200", city.zeimu.code) in sheets
    # 市民課 has no chosen system: its system manager answers once for the unit, as before.
    assert ("sysman", None, city.shimin.code) in sheets
    assert len(sheets) == 2


def test_a_system_outside_the_chosen_units_is_refused(make_campaign, register, city):
    with pytest.raises(InspectionError, match="対象組織に含まれないシステム"):
        make_campaign(types=("staff", "system"), units=[city.shimin], systems=[register["zeimu"]])


def test_campaign_form_offers_register_systems_and_explains_one_outside_the_units(
    login, policy_officer, city, register
):
    client = login(policy_officer)
    assert (
        "SYS-100 住民基本台帳システム（市民課）" in client.get("/inspections/campaigns/new/").content.decode()
    )
    response = client.post(
        "/inspections/campaigns/new/",
        {
            "fiscal_year": 2026,
            "opens_on": "2026-06-01",
            "closes_on": "2026-06-30",
            "units": [city.shimin.pk],
            "respondent_types": ["system"],
            "systems": [register["zeimu"].pk],
        },
    )
    assert response.status_code == 200
    assert "対象組織に含まれないシステムです: 税務システム" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_register_system_answered_for_cannot_be_deleted(
    make_campaign, register, policy_officer, system_manager
):
    from django.core.exceptions import ValidationError

    from mamori.assets import services as assets_services

    make_campaign(
        types=("system",),
        items=list(ChecklistItem.objects.filter(code="6.1-01")),
        systems=[register["jyuki"]],
    )
    with pytest.raises(ValidationError, match="自己点検の点検票などから参照されている"):
        assets_services.delete_system(register["jyuki"], actor=policy_officer)
    assets_services.delete_system(register["zeimu"], actor=policy_officer)
