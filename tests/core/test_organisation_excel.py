import io

from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mamori.core.models import AuditEntry, Person, Unit
from mamori.core.org_excel import PEOPLE_COLUMNS, UNIT_COLUMNS, export_workbook, import_workbook


def _workbook(units, people):
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("組織")
    ws.append([c.header for c in UNIT_COLUMNS])
    for row in units:
        ws.append(row)
    ws = wb.create_sheet("職員")
    ws.append([c.header for c in PEOPLE_COLUMNS])
    for row in people:
        ws.append(row)
    return wb


def _xlsx(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


GOOD_UNITS = [
    ["A03", "福祉部", "部局", "", "市長部局", 1, "○"],
    ["A0301", "福祉課", "課・室", "A03", "市長部局", 2, "○"],
]
GOOD_PEOPLE = [
    [
        "200001",
        "林",
        "純子",
        "はやし",
        "じゅんこ",
        "職員",
        "A0301",
        "課長",
        "hayashi@example.jp",
        "在職",
        None,
    ],
    ["200002", "本田", "剛", "", "", "会計年度任用職員", "A0301", "保育士", "", "在職", None],
]


def test_valid_workbook_creates_units_and_people(city):
    report = import_workbook(_workbook(GOOD_UNITS, GOOD_PEOPLE))
    assert report.ok
    assert report.created == 4
    unit = Unit.objects.get(code="A0301")
    assert unit.parent.code == "A03"
    assert Person.objects.get(employee_number="200002").get_staff_type_display() == "会計年度任用職員"
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_bad_cells_are_reported_by_row_and_column_and_nothing_changes(city):
    units = [*GOOD_UNITS, ["A0302", "子育て支援課", "課", "A99", "市役所", "x", "たぶん"]]
    people = [
        *GOOD_PEOPLE,
        ["200001", "", "", "", "", "正社員", "ZZZ", "", "not-an-email", "在職", "来年"],
    ]
    before_units, before_people = Unit.objects.count(), Person.objects.count()
    report = import_workbook(_workbook(units, people))
    assert not report.ok
    messages = {(e.sheet, e.row, e.column): e.message for e in report.errors}
    assert "指定できません" in messages[("組織", 4, "種別")]
    assert "A99" in messages[("組織", 4, "上位組織コード")]
    assert "市役所" in messages[("組織", 4, "機関")]
    assert messages[("組織", 4, "表示順")] == "0以上の整数で入力してください。"
    assert ("組織", 4, "有効") in messages
    assert "2行目と重複" in messages[("職員", 4, "職員番号")]
    assert messages[("職員", 4, "氏")] == "必須です。"
    assert "正社員" in messages[("職員", 4, "職員区分")]
    assert "ZZZ" in messages[("職員", 4, "所属組織コード")]
    assert "メールアドレス" in messages[("職員", 4, "メールアドレス")]
    assert "日付" in messages[("職員", 4, "退職・異動日")]
    assert str(report.errors[0]).startswith("組織 シート 4行目「")
    assert (Unit.objects.count(), Person.objects.count()) == (before_units, before_people)


def test_missing_sheet_and_missing_column_are_reported(city):
    wb = Workbook()
    wb.active.title = "組織"
    wb.active.append(["組織コード", "名称"])
    report = import_workbook(wb)
    texts = [str(e) for e in report.errors]
    assert any("「種別」列: 必須の列がありません" in t for t in texts)
    assert any("「職員」シートがありません" in t for t in texts)


def test_cycle_in_the_hierarchy_is_refused(city):
    units = [["X1", "甲", "部局", "X2", "市長部局", 1, "○"], ["X2", "乙", "課・室", "X1", "市長部局", 2, "○"]]
    report = import_workbook(_workbook(units, []))
    assert any("循環" in e.message for e in report.errors)
    assert not Unit.objects.filter(code__in=["X1", "X2"]).exists()


def test_spring_rotation_moves_people_and_marks_the_missing_as_left(city):
    import_workbook(_workbook(GOOD_UNITS, GOOD_PEOPLE))
    moved = [["200001", "林", "純子", "はやし", "じゅんこ", "職員", "A03", "部長", "", "在職", None]]
    report = import_workbook(_workbook([], moved), deactivate_missing=True)
    assert report.ok
    assert Person.objects.get(employee_number="200001").unit.code == "A03"
    gone = Person.objects.get(employee_number="200002")
    assert gone.is_active is False
    assert gone.left_on is not None


def test_export_then_import_changes_nothing(city, staff, other_staff):
    data = export_workbook()
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["組織", "職員"]
    report = import_workbook(wb)
    assert report.ok
    assert (report.created, report.updated) == (0, 0)


def test_upload_page_shows_the_error_table(login, policy_officer, city):
    client = login(policy_officer)
    bad = _workbook([["", "名称だけ", "部局", "", "市長部局", 1, "○"]], [])
    response = client.post(reverse("core:organisation_import"), {"file": _xlsx(bad)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "取り込めませんでした" in html
    assert "組織コード" in html


def test_upload_of_a_non_excel_file_is_refused_in_japanese(login, policy_officer):
    client = login(policy_officer)
    response = client.post(reverse("core:organisation_import"), {"file": io.BytesIO(b"not a workbook")})
    assert response.status_code == 400
    assert "Excel ファイル（.xlsx）として読み込めませんでした" in response.content.decode()


def test_export_download_is_an_xlsx(login, policy_officer):
    response = login(policy_officer).get(reverse("core:organisation_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["組織", "職員"]
