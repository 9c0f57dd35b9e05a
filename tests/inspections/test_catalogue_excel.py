"""The catalogue's Excel round trip (web and CLI), all-or-nothing, with Japanese row and column errors."""

from __future__ import annotations

import argparse
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from mamori.core.models import AuditEntry
from mamori.core.spreadsheets import open_workbook
from mamori.inspections import cli
from mamori.inspections.catalogue_excel import SHEET, export_catalogue, import_catalogue
from mamori.inspections.models import ChecklistItem

pytestmark = pytest.mark.django_db


def main(argv: list[str]) -> int:
    """Run ``mamori <argv>`` through this app's sub-command, as mamori.cli does."""
    parser = argparse.ArgumentParser(prog="mamori")
    cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def _edit(data: bytes, change) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    change(workbook[SHEET])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row_of(sheet, code: str) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == code:
            return row
    raise AssertionError(code)


def test_exported_catalogue_imports_back_without_changes(policy_officer):
    before = list(ChecklistItem.objects.order_by("code").values())
    report = import_catalogue(open_workbook(export_catalogue()), actor=policy_officer)
    assert report.ok
    assert (report.created, report.updated, report.deactivated) == (0, 0, 0)
    assert list(ChecklistItem.objects.order_by("code").values()) == before


def test_import_edits_adds_and_retires_items(policy_officer):
    def change(sheet):
        sheet.cell(row=_row_of(sheet, "5.4-01"), column=4).value = "パスワードを誰にも教えていませんか。"
        sheet.cell(row=_row_of(sheet, "4.4-02"), column=8).value = "×"
        sheet.append(
            [
                "",
                "8.5",
                "全職員",
                "業務用の SNS アカウントを私用の端末で使っていませんか。",
                "",
                "×",
                "○",
                "○",
            ]
        )

    report = import_catalogue(open_workbook(_edit(export_catalogue(), change)), actor=policy_officer)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.deactivated) == (1, 1, 1)
    assert ChecklistItem.objects.get(code="5.4-01").question == "パスワードを誰にも教えていませんか。"
    assert not ChecklistItem.objects.get(code="4.4-02").is_active
    new = ChecklistItem.objects.get(code="8.5-04")
    assert new.is_local and new.is_priority and new.respondent_type == "staff"


def test_import_with_errors_changes_nothing_and_names_row_and_column(policy_officer):
    def change(sheet):
        row = _row_of(sheet, "5.4-01")
        sheet.cell(row=row, column=4).value = "変更されてはいけない"
        sheet.cell(row=row + 1, column=2).value = "99.9"
        sheet.cell(row=row + 2, column=3).value = "市長"
        sheet.cell(row=row + 3, column=6).value = "たぶん"

    data = _edit(export_catalogue(), change)
    entries = AuditEntry.objects.count()
    report = import_catalogue(open_workbook(data), actor=policy_officer)
    messages = [str(e) for e in report.errors]
    assert len(messages) == 3
    assert any("「節番号」列" in m and "対策基準にない節番号" in m for m in messages)
    assert any("「回答者」列" in m and "「市長」は指定できません" in m for m in messages)
    assert any("「証跡」列" in m for m in messages)
    assert ChecklistItem.objects.get(code="5.4-01").question != "変更されてはいけない"
    assert AuditEntry.objects.count() == entries


def test_missing_required_column_is_reported():
    workbook = Workbook()
    workbook.active.title = SHEET
    workbook.active.append(["項目番号", "点検内容"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_catalogue(open_workbook(buffer.getvalue()), actor=None)
    assert {e.column for e in report.errors} == {"節番号", "回答者"}


def test_import_by_a_user_without_rights_changes_nothing(staff):
    def change(sheet):
        sheet.append(["", "8.5", "全職員", "新しい質問ですか。", "", "", "", ""])

    report = import_catalogue(open_workbook(_edit(export_catalogue(), change)), actor=staff)
    assert not report.ok
    assert "権限がありません" in str(report.errors[0])
    assert not ChecklistItem.objects.filter(code="8.5-04").exists()


def test_web_import_shows_errors_and_export_downloads(login, policy_officer):
    client = login(policy_officer)
    exported = client.get("/inspections/catalogue/export.xlsx")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = _edit(exported.content, lambda s: s.cell(row=2, column=2).__setattr__("value", "0.0"))
    upload = io.BytesIO(bad)
    upload.name = "checklist.xlsx"
    response = client.post("/inspections/catalogue/import/", {"file": upload})
    assert response.status_code == 400
    assert "「0.0」は対策基準にない節番号です" in response.content.decode()
    assert "何も変更されていません" in response.content.decode()


def test_cli_exports_and_imports_the_catalogue(tmp_path, admin_user, capsys):
    target = tmp_path / "checklist.xlsx"
    assert main(["checklist", "export", str(target)]) == 0
    edited = _edit(
        target.read_bytes(), lambda s: s.cell(row=_row_of(s, "6.4-02"), column=7).__setattr__("value", "×")
    )
    target.write_bytes(edited)
    assert main(["checklist", "import", str(target)]) == 0
    assert "更新 1件" in capsys.readouterr().out
    assert not ChecklistItem.objects.get(code="6.4-02").is_priority


def test_cli_import_reports_errors_in_japanese(tmp_path, admin_user, capsys):
    target = tmp_path / "bad.xlsx"
    target.write_bytes(b"not a workbook")
    assert main(["checklist", "import", str(target)]) == 1
    assert "Excel ファイル（.xlsx）として読み込めませんでした" in capsys.readouterr().err


cells = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=9), max_size=5))
def test_any_cell_values_give_a_report_never_a_crash(policy_officer, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(["項目番号", "節番号", "回答者", "点検内容", "解説", "証跡", "重点", "使用中"])
    buffer = io.BytesIO()
    try:
        for row in rows:
            sheet.append(row)
        workbook.save(buffer)
    except (IllegalCharacterError, ValueError):
        return  # openpyxl refuses control characters itself: such a file cannot exist
    count = ChecklistItem.objects.count()
    report = import_catalogue(open_workbook(buffer.getvalue()), actor=policy_officer)
    if not report.ok:
        assert ChecklistItem.objects.count() == count
        assert all(e.message for e in report.errors)
