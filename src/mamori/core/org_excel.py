"""Import and export of organisation units and people as one .xlsx workbook (HR sync each spring)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from mamori.core import audit
from mamori.core.models import Body, Person, Unit
from mamori.core.spreadsheets import Column, ImportReport, cell_text, read_rows, workbook_bytes, write_sheet

UNIT_SHEET = "組織"
PEOPLE_SHEET = "職員"
UNIT_COLUMNS = (
    Column("組織コード", True, "K-0101", 14),
    Column("名称", True, "総務課", 24),
    Column("種別", True, "課・室", 10),
    Column("上位組織コード", False, "K-01", 14),
    Column("機関", True, "市長部局", 16),
    Column("表示順", False, "10", 8),
    Column("有効", False, "○", 6),
)
PEOPLE_COLUMNS = (
    Column("職員番号", True, "100001", 12),
    Column("氏", True, "山田", 10),
    Column("名", False, "花子", 10),
    Column("氏（ふりがな）", False, "やまだ", 12),
    Column("名（ふりがな）", False, "はなこ", 12),
    Column("職員区分", True, "職員", 16),
    Column("所属組織コード", True, "K-0101", 14),
    Column("職名", False, "主事", 12),
    Column("メールアドレス", False, "hanako.yamada@city.example.lg.jp", 30),
    Column("在職", False, "在職", 8),
    Column("退職・異動日", False, "", 14),
)
_KIND_BY_LABEL = {label: value for value, label in Unit.Kind.choices}
_STAFF_BY_LABEL = {label: value for value, label in Person.StaffType.choices}
_YES = {"○", "〇", "有効", "はい", "yes", "true", "1", "在職", ""}
_NO = {"×", "✕", "無効", "いいえ", "no", "false", "0", "退職", "退職・異動"}
_CODE = re.compile(r"^[0-9A-Za-z_.\-]{1,40}$")


def export_workbook() -> bytes:
    """Return every unit and person as an .xlsx workbook in the import layout."""
    units = Unit.objects.select_related("body", "parent").order_by("path")
    people = Person.objects.select_related("unit").order_by("employee_number")

    def build(workbook: Workbook) -> None:
        write_sheet(
            workbook,
            UNIT_SHEET,
            UNIT_COLUMNS,
            [
                [
                    u.code,
                    u.name,
                    u.get_kind_display(),
                    u.parent.code if u.parent else "",
                    u.body.name,
                    u.order,
                    "○" if u.is_active else "×",
                ]
                for u in units
            ],
        )
        write_sheet(
            workbook,
            PEOPLE_SHEET,
            PEOPLE_COLUMNS,
            [
                [
                    p.employee_number,
                    p.family_name,
                    p.given_name,
                    p.family_name_kana,
                    p.given_name_kana,
                    p.get_staff_type_display(),
                    p.unit.code,
                    p.job_title,
                    p.email,
                    "在職" if p.is_active else "退職",
                    p.left_on,
                ]
                for p in people
            ],
        )

    return workbook_bytes(build)


def template_workbook() -> bytes:
    """Return an empty workbook with the headers and one example row per sheet."""

    def build(workbook: Workbook) -> None:
        write_sheet(workbook, UNIT_SHEET, UNIT_COLUMNS, [[c.example for c in UNIT_COLUMNS]])
        write_sheet(workbook, PEOPLE_SHEET, PEOPLE_COLUMNS, [[c.example for c in PEOPLE_COLUMNS]])

    return workbook_bytes(build)


def _flag(value: object, errors: list, sheet: str, row: int, column: str) -> bool:
    text = cell_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    errors.append(
        (sheet, row, column, f"「{cell_text(value)}」は指定できません。○ または × で入力してください。")
    )
    return True


def _date(value: object, errors: list, sheet: str, row: int, column: str) -> dt.date | None:
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).replace("/", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(
            (sheet, row, column, f"「{cell_text(value)}」は日付として読めません（例: 2026-04-01）。")
        )
        return None


def import_workbook(workbook: Workbook, *, deactivate_missing: bool = False) -> ImportReport:
    """Validate both sheets completely, then apply them in one transaction, or change nothing.

    Units and people are matched by 組織コード and 職員番号. With ``deactivate_missing``, people absent
    from the file are marked as having left (the spring personnel change).
    """
    from mamori.core.spreadsheets import CellError

    report = ImportReport()
    raw_errors: list[tuple[str, object, str, str]] = []
    bodies = {b.name: b for b in Body.objects.all()} | {b.code: b for b in Body.objects.all()}
    existing_units = {u.code: u for u in Unit.objects.all()}

    unit_rows: list[dict[str, object]] = []
    seen_codes: dict[str, int] = {}
    for row, values in read_rows(workbook, UNIT_SHEET, UNIT_COLUMNS, report.errors):
        code = cell_text(values.get("組織コード"))
        name = cell_text(values.get("名称"))
        kind_label = cell_text(values.get("種別"))
        parent_code = cell_text(values.get("上位組織コード"))
        body_label = cell_text(values.get("機関"))
        order_text = cell_text(values.get("表示順")) or "0"
        if not code:
            raw_errors.append((UNIT_SHEET, row, "組織コード", "必須です。"))
        elif not _CODE.match(code):
            raw_errors.append(
                (
                    UNIT_SHEET,
                    row,
                    "組織コード",
                    "英数字・ハイフン・ピリオド・下線のみ、40文字以内で入力してください。",
                )
            )
        elif code in seen_codes:
            raw_errors.append((UNIT_SHEET, row, "組織コード", f"{seen_codes[code]}行目と重複しています。"))
        else:
            seen_codes[code] = row
        if not name:
            raw_errors.append((UNIT_SHEET, row, "名称", "必須です。"))
        elif len(name) > 100:
            raw_errors.append((UNIT_SHEET, row, "名称", "100文字以内で入力してください。"))
        if kind_label not in _KIND_BY_LABEL:
            raw_errors.append(
                (
                    UNIT_SHEET,
                    row,
                    "種別",
                    f"「{kind_label}」は指定できません。{'・'.join(_KIND_BY_LABEL)} のいずれかです。",
                )
            )
        if body_label not in bodies:
            raw_errors.append((UNIT_SHEET, row, "機関", f"「{body_label}」という機関は登録されていません。"))
        if not order_text.isdigit():
            raw_errors.append((UNIT_SHEET, row, "表示順", "0以上の整数で入力してください。"))
        is_active = _flag(values.get("有効"), raw_errors, UNIT_SHEET, row, "有効")
        unit_rows.append(
            {
                "row": row,
                "code": code,
                "name": name,
                "kind": _KIND_BY_LABEL.get(kind_label),
                "parent": parent_code,
                "body": bodies.get(body_label),
                "order": int(order_text) if order_text.isdigit() else 0,
                "is_active": is_active,
            }
        )
    known_codes = set(existing_units) | set(seen_codes)
    for item in unit_rows:
        parent = item["parent"]
        if parent and parent not in known_codes:
            raw_errors.append(
                (UNIT_SHEET, item["row"], "上位組織コード", f"「{parent}」という組織はありません。")
            )
        if parent and parent == item["code"]:
            raw_errors.append(
                (UNIT_SHEET, item["row"], "上位組織コード", "自分自身を上位組織にはできません。")
            )
    _check_cycles(unit_rows, existing_units, raw_errors)

    people_rows: list[dict[str, object]] = []
    seen_numbers: dict[str, int] = {}
    for row, values in read_rows(workbook, PEOPLE_SHEET, PEOPLE_COLUMNS, report.errors):
        number = cell_text(values.get("職員番号"))
        family = cell_text(values.get("氏"))
        staff_label = cell_text(values.get("職員区分"))
        unit_code = cell_text(values.get("所属組織コード"))
        email = cell_text(values.get("メールアドレス"))
        if not number:
            raw_errors.append((PEOPLE_SHEET, row, "職員番号", "必須です。"))
        elif len(number) > 20:
            raw_errors.append((PEOPLE_SHEET, row, "職員番号", "20文字以内で入力してください。"))
        elif number in seen_numbers:
            raw_errors.append(
                (PEOPLE_SHEET, row, "職員番号", f"{seen_numbers[number]}行目と重複しています。")
            )
        else:
            seen_numbers[number] = row
        if not family:
            raw_errors.append((PEOPLE_SHEET, row, "氏", "必須です。"))
        if staff_label not in _STAFF_BY_LABEL:
            raw_errors.append(
                (
                    PEOPLE_SHEET,
                    row,
                    "職員区分",
                    f"「{staff_label}」は指定できません。{'・'.join(_STAFF_BY_LABEL)} のいずれかです。",
                )
            )
        if unit_code not in known_codes:
            raw_errors.append(
                (PEOPLE_SHEET, row, "所属組織コード", f"「{unit_code}」という組織はありません。")
            )
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raw_errors.append(
                    (
                        PEOPLE_SHEET,
                        row,
                        "メールアドレス",
                        f"「{email}」はメールアドレスの形式ではありません。",
                    )
                )
        is_active = _flag(values.get("在職"), raw_errors, PEOPLE_SHEET, row, "在職")
        left_on = _date(values.get("退職・異動日"), raw_errors, PEOPLE_SHEET, row, "退職・異動日")
        people_rows.append(
            {
                "number": number,
                "family_name": family,
                "given_name": cell_text(values.get("名")),
                "family_name_kana": cell_text(values.get("氏（ふりがな）")),
                "given_name_kana": cell_text(values.get("名（ふりがな）")),
                "staff_type": _STAFF_BY_LABEL.get(staff_label),
                "unit": unit_code,
                "job_title": cell_text(values.get("職名"))[:50],
                "email": email,
                "is_active": is_active,
                "left_on": left_on,
            }
        )

    report.errors.extend(
        CellError(sheet, int(str(row)), column, message) for sheet, row, column, message in raw_errors
    )
    report.errors.sort(key=lambda e: (e.sheet != UNIT_SHEET, e.row, e.column))
    if report.errors:
        return report
    with transaction.atomic():
        _apply_units(unit_rows, existing_units, report)
        _apply_people(people_rows, report, deactivate_missing=deactivate_missing)
        audit.record(
            "import",
            object_type="core.organisation",
            object_repr="組織・職員の取込",
            changes={"created": report.created, "updated": report.updated, "deactivated": report.deactivated},
        )
    return report


def _check_cycles(unit_rows: list[dict[str, object]], existing: dict[str, Unit], errors: list) -> None:
    parents = {code: (u.parent.code if u.parent is not None else "") for code, u in existing.items()}
    parents.update({str(r["code"]): str(r["parent"]) for r in unit_rows})
    for item in unit_rows:
        seen = {item["code"]}
        cursor = parents.get(str(item["code"]), "")
        while cursor:
            if cursor in seen:
                errors.append((UNIT_SHEET, item["row"], "上位組織コード", "上位組織の指定が循環しています。"))
                break
            seen.add(cursor)
            cursor = parents.get(cursor, "")


def _apply_units(rows: list[dict[str, object]], existing: dict[str, Unit], report: ImportReport) -> None:
    by_code = dict(existing)
    pending = list(rows)
    # Parents first: repeat until every row whose parent is known has been written.
    while pending:
        progressed = False
        for item in list(pending):
            parent_code = str(item["parent"])
            if parent_code and parent_code not in by_code:
                continue
            unit = by_code.get(str(item["code"]))
            fields = {
                "name": item["name"],
                "kind": item["kind"],
                "body": item["body"],
                "order": item["order"],
                "is_active": item["is_active"],
                "parent": by_code.get(parent_code) if parent_code else None,
            }
            if unit is None:
                unit = Unit(code=str(item["code"]), **fields)
                report.created += 1
                unit.save()
            elif any(getattr(unit, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(unit, key, value)
                report.updated += 1
                unit.save()
            by_code[str(item["code"])] = unit
            pending.remove(item)
            progressed = True
        if not progressed:  # guarded by _check_cycles; never loop for ever
            raise RuntimeError("unit hierarchy could not be resolved")


def _apply_people(rows: list[dict[str, object]], report: ImportReport, *, deactivate_missing: bool) -> None:
    units = {u.code: u for u in Unit.objects.all()}
    existing = {p.employee_number: p for p in Person.objects.all()}
    for item in rows:
        fields = {
            "family_name": item["family_name"],
            "given_name": item["given_name"],
            "family_name_kana": item["family_name_kana"],
            "given_name_kana": item["given_name_kana"],
            "staff_type": item["staff_type"],
            "unit": units[str(item["unit"])],
            "job_title": item["job_title"],
            "email": item["email"],
            "is_active": item["is_active"],
            "left_on": item["left_on"],
        }
        person = existing.get(str(item["number"]))
        if person is None:
            Person.objects.create(employee_number=str(item["number"]), **fields)
            report.created += 1
        elif any(getattr(person, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(person, key, value)
            person.save()
            report.updated += 1
    if deactivate_missing:
        listed = {str(item["number"]) for item in rows}
        for number, person in existing.items():
            if number not in listed and person.is_active:
                person.is_active = False
                person.left_on = person.left_on or timezone.localdate()
                person.save()
                report.deactivated += 1
