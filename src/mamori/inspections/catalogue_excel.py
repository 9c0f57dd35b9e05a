"""The checklist catalogue as an .xlsx workbook: one row per item, all-or-nothing import."""

from __future__ import annotations

import re

from django.db import transaction
from openpyxl import Workbook

from mamori.core import audit
from mamori.core.spreadsheets import (
    CellError,
    Column,
    ImportReport,
    cell_text,
    read_rows,
    workbook_bytes,
    write_sheet,
)
from mamori.inspections.errors import InspectionError
from mamori.inspections.models import ChecklistItem, RespondentType
from mamori.inspections.services import catalogue
from mamori.policies.models import StandardSection

SHEET = "点検項目"
COLUMNS = (
    Column("項目番号", False, "5.4-01", 10),
    Column("節番号", True, "5.4", 8),
    Column("回答者", True, "全職員", 26),
    Column("点検内容", True, "パスワードを他人に教えていませんか。", 60),
    Column("解説", False, "", 40),
    Column("証跡", False, "×", 6),
    Column("重点", False, "○", 6),
    Column("使用中", False, "○", 8),
)
_TYPE_BY_LABEL = (
    {label: value for value, label in RespondentType.choices}
    | {value: value for value in RespondentType.values}
    | {
        "職員": "staff",
        "課室": "unit",
        "システム": "system",
        "情報セキュリティ管理者": "unit",
        "情報システム管理者": "system",
    }
)
_YES = {"○", "〇", "はい", "yes", "true", "1", "要"}
_NO = {"×", "✕", "", "いいえ", "no", "false", "0", "不要"}
_CODE = re.compile(r"^[0-9A-Za-z_.\-]{1,30}$")


def export_catalogue(*, include_retired: bool = True) -> bytes:
    """Return the catalogue as an .xlsx workbook in the import layout."""
    items = ChecklistItem.objects.select_related("section").order_by("order", "code")
    if not include_retired:
        items = items.filter(is_active=True)

    def build(workbook: Workbook) -> None:
        write_sheet(
            workbook,
            SHEET,
            COLUMNS,
            [
                [
                    i.code,
                    i.section.code,
                    i.get_respondent_type_display(),
                    i.question,
                    i.guidance,
                    "○" if i.requires_evidence else "×",
                    "○" if i.is_priority else "×",
                    "○" if i.is_active else "×",
                ]
                for i in items
            ],
        )

    return workbook_bytes(build)


def _flag(value: object, errors: list[CellError], row: int, column: str, default: bool) -> bool:
    text = cell_text(value).lower()
    if text == "":
        return default
    if text in _YES:
        return True
    if text in _NO:
        return False
    errors.append(
        CellError(
            SHEET, row, column, f"「{cell_text(value)}」は指定できません。○ または × で入力してください。"
        )
    )
    return default


def import_catalogue(workbook: Workbook, *, actor: object) -> ImportReport:
    """Validate every row, then create, update, retire and restore items in one transaction, or change nothing.

    Rows are matched by 項目番号; a row without one becomes a new item of the municipality.
    """
    report = ImportReport()
    errors = report.errors
    sections = {s.code: s for s in StandardSection.objects.all()}
    existing = {i.code: i for i in ChecklistItem.objects.all()}
    parsed: list[tuple[int, dict[str, object]]] = []
    seen: dict[str, int] = {}
    for row, values in read_rows(workbook, SHEET, COLUMNS, errors):
        code = cell_text(values.get("項目番号"))
        if code:
            if not _CODE.match(code):
                errors.append(
                    CellError(SHEET, row, "項目番号", "半角英数字・ピリオド・ハイフンで入力してください。")
                )
            elif code in seen:
                errors.append(CellError(SHEET, row, "項目番号", f"{seen[code]}行目と重複しています。"))
            seen[code] = row
        section_code = cell_text(values.get("節番号"))
        if not section_code:
            errors.append(CellError(SHEET, row, "節番号", "入力してください。"))
        elif section_code not in sections:
            errors.append(CellError(SHEET, row, "節番号", f"「{section_code}」は対策基準にない節番号です。"))
        type_label = cell_text(values.get("回答者"))
        respondent = _TYPE_BY_LABEL.get(type_label)
        if respondent is None:
            labels = "、".join(RespondentType.labels)
            errors.append(
                CellError(SHEET, row, "回答者", f"「{type_label}」は指定できません（{labels} のいずれか）。")
            )
        question = cell_text(values.get("点検内容"))
        if not question:
            errors.append(CellError(SHEET, row, "点検内容", "入力してください。"))
        parsed.append(
            (
                row,
                {
                    "code": code,
                    "section": sections.get(section_code),
                    "respondent_type": respondent,
                    "question": question,
                    "guidance": cell_text(values.get("解説")),
                    "requires_evidence": _flag(values.get("証跡"), errors, row, "証跡", False),
                    "is_priority": _flag(values.get("重点"), errors, row, "重点", False),
                    "is_active": _flag(values.get("使用中"), errors, row, "使用中", True),
                },
            )
        )
    if errors:
        return report
    current_row = 0
    try:
        with transaction.atomic(), audit.acting_as(actor, via="import"):
            for row, data in parsed:
                current_row = row  # kept for the error report below
                _apply(data, existing, report, actor)
    except InspectionError as exc:
        report.errors.append(CellError(SHEET, current_row, "", exc.message))
        report.created = report.updated = report.deactivated = 0
    return report


def _apply(
    data: dict[str, object], existing: dict[str, ChecklistItem], report: ImportReport, actor: object
) -> None:
    code = str(data["code"])
    active = bool(data.pop("is_active"))
    item = existing.get(code) if code else None
    fields = {k: v for k, v in data.items() if k != "code"}
    if item is None:
        item = catalogue.create_item(actor=actor, code=code, **fields)  # type: ignore[arg-type]
        report.created += 1
        if not active:
            catalogue.retire_item(item, actor=actor)
        return
    changed = catalogue.update_item(item, actor=actor, **fields)
    if item.is_active and not active:
        catalogue.retire_item(item, actor=actor)
        report.deactivated += 1
    elif not item.is_active and active:
        catalogue.restore_item(item, actor=actor)
        changed = True
    if changed:
        report.updated += 1
