"""Excel import and export of the whole register, the template, the error report and the CSV export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from mamori.assets import register_excel
from mamori.assets.models import Asset, ClassificationDecision, System
from mamori.core.models import AuditEntry
from mamori.core.spreadsheets import open_workbook, workbook_bytes, write_sheet

from .conftest import levels

SHEET_B = register_excel.SHEETS[Asset.Kind.ELECTRONIC]


def export_bytes(client) -> bytes:
    response = client.get(reverse("assets:export_xlsx"))
    assert response.status_code == 200
    return response.content


def workbook_with(rows_by_sheet: dict[str, list[list[object]]]) -> bytes:
    def build(workbook: Workbook) -> None:
        for title in [*register_excel.SHEETS.values(), register_excel.SYSTEM_SHEET]:
            columns = (
                register_excel.SYSTEM_COLUMNS
                if title == register_excel.SYSTEM_SHEET
                else register_excel.ASSET_COLUMNS
            )
            write_sheet(workbook, title, columns, rows_by_sheet.get(title, []))

    return workbook_bytes(build)


def asset_row(**cells: object) -> list[object]:
    row = {c.header: "" for c in register_excel.ASSET_COLUMNS}
    row.update({"名称": "転入届", "所管課コード": "A0201", "機密性": "3C", "完全性": "2", "可用性": "1"})
    row.update(cells)
    return [row[c.header] for c in register_excel.ASSET_COLUMNS]


def upload(client, data: bytes):
    return client.post(reverse("assets:import"), {"file": io.BytesIO(data)}, format="multipart")


def test_export_has_a_sheet_per_asset_type_systems_and_codes(login, policy_officer, systems, make_asset):
    make_asset(system_list=[systems["lgwan"]], has_my_number=True, **levels("3B"))
    book = load_workbook(io.BytesIO(export_bytes(login(policy_officer))))
    assert book.sheetnames == [*register_excel.SHEETS.values(), "情報システム", "コード表"]
    rows = list(book[SHEET_B].iter_rows(values_only=True))
    assert rows[1][1] == "住民記録データ"
    assert rows[1][5] == "SYS-LG"
    assert rows[1][12] == "○"
    assert rows[1][14] == "3B"
    assert rows[1][20] == "特定個人情報がマイナンバー利用事務系の外にある"
    codes = {(r[0], r[1]) for r in book["コード表"].iter_rows(min_row=2, values_only=True)}
    assert ("組織", "A0201") in codes and ("機密性", "3A") in codes and ("ゾーン", "lgwan") in codes


def test_exported_file_reimports_unchanged(login, policy_officer, systems, make_asset):
    make_asset(system_list=[systems["lgwan"], systems["internet"]], has_my_number=True)
    make_asset("紙の申請書", kind=Asset.Kind.PAPER, room="書庫", cabinet="棚1", has_personal_data=True)
    client = login(policy_officer)
    data = export_bytes(client)
    before = list(Asset.objects.order_by("pk").values())
    decisions = ClassificationDecision.objects.count()
    response = upload(client, data)
    assert response.status_code == 302
    assert list(Asset.objects.order_by("pk").values()) == before
    assert ClassificationDecision.objects.count() == decisions
    entry = AuditEntry.objects.filter(action="import").last()
    assert entry.object_repr == "情報資産台帳の取込（新規 0件、更新 0件）"


def test_import_creates_assets_with_one_audit_summary(login, policy_officer, systems):
    client = login(policy_officer)
    rows = [asset_row(名称=f"申請書{i}", 情報システム番号="SYS-MN", 特定個人情報="○") for i in range(30)]
    audit_before = AuditEntry.objects.count()
    assert upload(client, workbook_with({SHEET_B: rows})).status_code == 302
    assert Asset.objects.filter(name__startswith="申請書").count() == 30
    asset = Asset.objects.get(name="申請書7")
    assert list(asset.systems.values_list("code", flat=True)) == ["SYS-MN"]
    assert asset.classified_by == policy_officer
    assert asset.decisions.get().method == ClassificationDecision.Method.IMPORT
    new_entries = AuditEntry.objects.filter(pk__gt=0).order_by("seq")[audit_before:]
    assert [e.action for e in new_entries] == ["import"]


def test_import_runs_the_consistency_checks(login, policy_officer, section_head, systems):
    row = asset_row(情報システム番号="SYS-LG", 特定個人情報="○", 管理責任者の職員番号="900003")
    upload(login(policy_officer), workbook_with({SHEET_B: [row]}))
    assert Asset.objects.get(name="転入届").finding_codes == ",my_number_outside_zone,"


def test_import_updates_rows_matched_by_number(login, policy_officer, make_asset):
    asset = make_asset()
    upload(
        login(policy_officer),
        workbook_with({SHEET_B: [asset_row(資産番号=asset.code, 名称="住民記録（更新）")]}),
    )
    asset.refresh_from_db()
    assert asset.name == "住民記録（更新）"
    assert Asset.objects.count() == 1


def test_import_reports_every_bad_cell_in_japanese_and_changes_nothing(login, policy_officer, systems):
    rows = [
        asset_row(),
        asset_row(名称="", 所管課コード="Z9999", 機密性="4", 個人情報="たぶん"),
        asset_row(情報システム番号="SYS-NONE", 管理責任者の職員番号="999999", 対策基準の節="99.9"),
        asset_row(形態="機器"),
    ]
    response = upload(login(policy_officer), workbook_with({SHEET_B: rows}))
    assert response.status_code == 400
    assert Asset.objects.count() == 0
    errors = {(e.row, e.column): e.message for e in response.context["report"].errors}
    assert errors[(3, "名称")] == "必須です。"
    assert errors[(3, "所管課コード")] == "「Z9999」という組織は登録されていません（コード表を参照）。"
    assert errors[(3, "機密性")].startswith("「4」は使用中の分類基準の機密性の区分ではありません")
    assert errors[(3, "個人情報")].startswith("「たぶん」は指定できません。")
    assert errors[(4, "情報システム番号")] == "「SYS-NONE」という情報システムはありません。"
    assert errors[(4, "管理責任者の職員番号")] == "職員番号「999999」の職員は登録されていません。"
    assert errors[(4, "対策基準の節")] == "「99.9」という対策基準の節はありません。"
    assert errors[(5, "形態")] == "形態は (a) のシートでだけ指定できます。"
    page = response.content.decode()
    assert "取り込めませんでした（8件の誤り）" in page
    assert "何も変更されていません" in page


def test_import_refuses_duplicate_numbers_and_missing_sheets(policy_officer, city):
    def build(workbook: Workbook) -> None:
        write_sheet(
            workbook,
            SHEET_B,
            register_excel.ASSET_COLUMNS,
            [asset_row(資産番号="X-1"), asset_row(資産番号="X-1")],
        )

    report = register_excel.import_workbook(open_workbook(workbook_bytes(build)), actor=policy_officer)
    messages = [str(e) for e in report.errors]
    assert (
        f"{SHEET_B} シート 3行目「資産番号」列: 「X-1」は {SHEET_B} シート 2行目と重複しています。"
        in messages
    )
    assert "情報システム シート 0行目: 「情報システム」シートがありません。" in messages


def test_section_head_cannot_import_rows_of_another_unit(login, section_head, city):
    response = upload(login(section_head), workbook_with({SHEET_B: [asset_row(所管課コード="A0202")]}))
    assert response.status_code == 400
    assert response.context["report"].errors[0].message == "「税務課」の情報資産を管理する権限がありません。"


def test_import_creates_systems_from_their_sheet(login, policy_officer):
    system_row = ["SYS-NEW", "窓口予約システム", "A0201", "LGWAN接続系", "", "", ""]
    data = workbook_with(
        {register_excel.SYSTEM_SHEET: [system_row], SHEET_B: [asset_row(情報システム番号="SYS-NEW")]}
    )
    assert upload(login(policy_officer), data).status_code == 302
    assert System.objects.get(code="SYS-NEW").zone.name == "LGWAN接続系"
    assert list(Asset.objects.get().systems.values_list("code", flat=True)) == ["SYS-NEW"]


def test_template_has_headers_only(login, staff):
    response = login(staff).get(reverse("assets:template_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book[SHEET_B][1]][:2] == ["資産番号", "名称"]
    assert book[SHEET_B].max_row == 1
    assert book["コード表"].max_row > 10


def test_csv_export_is_utf8_with_bom(login, policy_officer, make_asset):
    make_asset()
    response = login(policy_officer).get(reverse("assets:export_csv"))
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("資産の種類,資産番号,名称")
    assert "住民記録データ" in text


def test_staff_export_contains_only_their_units_assets(login, other_staff, make_asset):
    make_asset()
    text = login(other_staff).get(reverse("assets:export_csv")).content.decode("utf-8-sig")
    assert "住民記録データ" not in text


cell_text = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(cell_text, min_size=0, max_size=22), min_size=1, max_size=4))
def test_arbitrary_cells_never_crash_the_import(policy_officer, city, cells):
    report = register_excel.import_workbook(
        open_workbook(workbook_with({SHEET_B: cells})), actor=policy_officer
    )
    assert report.ok or all(e.message for e in report.errors)
    for e in report.errors:
        assert str(e).startswith(e.sheet)


def test_unreadable_upload_is_refused_in_japanese(login, policy_officer):
    response = upload(login(policy_officer), b"not a workbook")
    assert response.status_code == 400
    assert "Excel ファイル（.xlsx）として読み込めませんでした。" in response.content.decode()


@pytest.mark.parametrize("flag", ["○", "〇", "はい", ""])
def test_flag_cells_accept_common_marks(policy_officer, city, flag):
    data = workbook_with({SHEET_B: [asset_row(個人情報=flag)]})
    report = register_excel.import_workbook(open_workbook(data), actor=policy_officer)
    assert report.ok
    assert Asset.objects.get().has_personal_data is (flag != "")


def test_overlong_system_name_is_a_cell_error(policy_officer, city):
    data = workbook_with({register_excel.SYSTEM_SHEET: [["", "あ" * 101, "A0201", "", "", "", ""]]})
    report = register_excel.import_workbook(open_workbook(data), actor=policy_officer)
    assert [str(e) for e in report.errors] == [
        "情報システム シート 2行目「名称」列: 情報システムの名称は100文字以内で入力してください（101文字）。"
    ]
    assert not System.objects.exists()
