"""Read receipts (遵守義務): tasks to confirm, the per-unit page, reminders and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mamori.core.models import Person
from mamori.policies import services
from mamori.policies.models import ReadReceipt
from mamori.web.views import TASK_SOURCES

from .conftest import publish


def _standard(city, policy_officer, committee, ciso):
    document = services.create_document(
        actor=policy_officer, title="青葉台市情報セキュリティ対策基準", layer="standard", body=city.body
    )
    return publish(document, policy_officer, committee, ciso, [("第1章", "組織体制", "委員会を置く。")])


def _tasks(user):
    return [task for source in TASK_SOURCES for task in source(user)]


def test_staff_get_a_read_task_and_confirm_it(
    city, staff, other_staff, policy_officer, committee, ciso, login
):
    version = _standard(city, policy_officer, committee, ciso)
    tasks = [t for t in _tasks(staff) if t.kind == "policy_read"]
    assert [t.title for t in tasks] == [
        "「青葉台市情報セキュリティ対策基準」（令和7年4月1日施行版）を読んで確認してください"
    ]
    client = login(staff)
    assert "確認しました" in client.get(tasks[0].url).content.decode()
    client.post(
        reverse("policies:version_action", args=[version.document_id, version.number]), {"action": "confirm"}
    )
    receipt = ReadReceipt.objects.get(version=version, person=staff.person)
    assert receipt.confirmed_at is not None
    assert [t for t in _tasks(staff) if t.kind == "policy_read"] == []
    assert "に確認済みです" in client.get(tasks[0].url).content.decode()


def test_people_not_addressed_cannot_confirm(procedure, other_staff):
    import pytest

    with pytest.raises(services.PolicyActionError) as caught:
        services.confirm_read(actor=other_staff, version=procedure.current_version())
    assert caught.value.code == "not_addressed"


def test_receipts_of_a_body_document_address_only_that_body(city, policy_officer, committee, ciso, staff):
    from mamori.core.models import Body, Unit

    school = Body.objects.create(code="education", name="教育委員会")
    unit = Unit.objects.create(code="B01", name="教育部", body=school)
    teacher = Person.objects.create(employee_number="800001", family_name="教員", unit=unit)
    version = _standard(city, policy_officer, committee, ciso)
    addressed = set(version.receipts.values_list("person_id", flat=True))
    assert staff.person.pk in addressed
    assert teacher.pk not in addressed


def test_the_receipts_page_groups_by_unit_and_section_heads_see_only_their_unit(
    city, staff, other_staff, section_head, policy_officer, committee, ciso, login
):
    version = _standard(city, policy_officer, committee, ciso)
    services.confirm_read(actor=staff, version=version)
    url = reverse("policies:receipts", args=[version.document_id, version.number])
    office = login(policy_officer).get(url).content.decode()
    assert "市民課" in office and "税務課" in office
    assert "千葉" in office and "関口" in office
    head = login(section_head).get(url).content.decode()
    assert "関口" in head and "千葉" not in head
    assert login(staff).get(url).status_code == 404


def test_receipts_export_as_csv_and_excel(city, staff, policy_officer, committee, ciso, login):
    version = _standard(city, policy_officer, committee, ciso)
    services.confirm_read(actor=staff, version=version)
    client = login(policy_officer)
    url = reverse("policies:receipts", args=[version.document_id, version.number])
    text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["組織", "職員番号", "氏名", "職員区分", "状態", "確認日時", "督促回数"]
    by_number = {row[1]: row for row in rows[1:]}
    assert by_number["900004"][4] == "確認済み"
    assert by_number["900004"][5].startswith("令和")
    assert by_number["900001"][4] == "未確認"
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    sheet = workbook["確認状況"]
    assert [c.value for c in sheet[1]][:5] == ["組織", "職員番号", "氏名", "職員区分", "状態"]
    assert sheet.max_row == len(rows)


def test_reminders_mail_only_those_who_have_not_confirmed_and_not_too_often(
    city, staff, other_staff, policy_officer, committee, ciso, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=staff.person.pk).update(email="staff@example.jp")
    Person.objects.filter(pk=other_staff.person.pk).update(email="other@example.jp")
    version = _standard(city, policy_officer, committee, ciso)
    services.confirm_read(actor=staff, version=version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
    assert [m.to for m in mail.outbox] == [["other@example.jp"]]
    assert "青葉台市情報セキュリティ対策基準" in mail.outbox[0].subject
    assert "確認しました" in mail.outbox[0].body
    assert services.send_reminders() == 0  # within the interval
    later = timezone.now() + dt.timedelta(days=8)
    assert services.send_reminders(now=later) == 1
    assert ReadReceipt.objects.get(version=version, person=other_staff.person).reminder_count == 2


def test_the_daily_command_brings_versions_into_force_and_reminds(
    city, other_staff, policy_officer, committee, ciso, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=other_staff.person.pk).update(email="other@example.jp")
    _standard(city, policy_officer, committee, ciso)
    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("policy_daily", stdout=out)
    assert "督促メール: 1通" in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_remind_button_mails_the_pending_people_of_that_version(
    city, other_staff, policy_officer, committee, ciso, login, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=other_staff.person.pk).update(email="other@example.jp")
    version = _standard(city, policy_officer, committee, ciso)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(policy_officer).post(
            reverse("policies:receipts", args=[version.document_id, version.number])
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["other@example.jp"]]


def test_the_daily_command_can_enqueue_the_task_instead(db):
    out = io.StringIO()
    call_command("policy_daily", "--enqueue", stdout=out)
    assert "タスクを登録しました" in out.getvalue()
