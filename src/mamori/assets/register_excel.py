"""The whole register as one .xlsx (a sheet per asset type, the systems and a codes sheet), and as CSV.

Import is all-or-nothing: every cell of every sheet is checked first, and nothing changes unless there is
no error. Rows are matched by 資産番号 / システム番号; rows without a number are created. Assets are
written with ``bulk_create``/``bulk_update`` for speed, so the import writes one summary audit entry.
Columns marked 出力のみ are written on export and ignored on import, so an exported file re-imports as is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from mamori.assets import consistency
from mamori.assets.access import manageable_units
from mamori.assets.models import Asset, ClassificationDecision, Level, System, Zone
from mamori.assets.services import acting_user, active_scheme, next_asset_code, save_system
from mamori.core import audit
from mamori.core.japanese_calendar import wareki_date
from mamori.core.models import Person, Unit
from mamori.core.spreadsheets import (
    CellError,
    Column,
    ImportReport,
    cell_text,
    read_rows,
    workbook_bytes,
    write_sheet,
)
from mamori.policies.models import StandardSection

SHEETS = {
    Asset.Kind.SYSTEM: "(a)ネットワーク・システム・機器・媒体",
    Asset.Kind.ELECTRONIC: "(b)システムで扱う情報",
    Asset.Kind.PAPER: "(c)紙の情報",
    Asset.Kind.DOCUMENT: "(d)システム関係文書",
}
SYSTEM_SHEET = "情報システム"
CODES_SHEET = "コード表"
EXPORT_ONLY = "（出力のみ）"

ASSET_COLUMNS = (
    Column("資産番号", False, "IA-000001", 12),
    Column("名称", True, "住民票の写し交付申請書", 30),
    Column("形態", False, "", 12),
    Column("所管課コード", True, "A0201", 12),
    Column("管理責任者の職員番号", False, "100013", 12),
    Column("情報システム番号", False, "SYS-000001", 20),
    Column("ゾーン", False, "", 18),
    Column("保管場所", False, "市民課 書庫", 16),
    Column("キャビネット等", False, "キャビネット3", 14),
    Column("数量・規模", False, "約1,200件／年", 14),
    Column("個人情報", False, "○", 8),
    Column("要配慮個人情報", False, "", 8),
    Column("特定個人情報", False, "○", 8),
    Column("保存期間", False, "5年", 10),
    Column("機密性", False, "3B", 8),
    Column("完全性", False, "2", 8),
    Column("可用性", False, "2", 8),
    Column("対策基準の節", False, "3.1、3.2", 14),
    Column("備考", False, "", 24),
    Column(f"分類の決定日{EXPORT_ONLY}", False, "", 14),
    Column(f"指摘{EXPORT_ONLY}", False, "", 24),
)
SYSTEM_COLUMNS = (
    Column("システム番号", False, "SYS-000001", 12),
    Column("名称", True, "住民基本台帳システム", 24),
    Column("所管課コード", True, "A0201", 12),
    Column("ゾーン", False, "マイナンバー利用事務系", 20),
    Column("情報システム管理者の職員番号", False, "100013", 14),
    Column("説明", False, "", 30),
    Column(f"指摘{EXPORT_ONLY}", False, "", 24),
)
CODE_COLUMNS = (
    Column("区分", True, width=14),
    Column("コード", True, width=14),
    Column("名称", True, width=30),
    Column("説明", width=60),
)

MARK = "○"
_YES = {"○", "〇", "◯", "はい", "有", "あり", "yes", "true", "1"}
_NO = {"", "×", "✕", "いいえ", "無", "なし", "no", "false", "0", "-", "－"}
_CODE = re.compile(r"^[0-9A-Za-z_.\-]{1,40}$")
_LIST_SPLIT = re.compile(r"[、,，;；\s]+")
_MAX_LEN = {
    "名称": 200,
    "保存場所": 100,
    "保管場所": 100,
    "キャビネット等": 100,
    "数量・規模": 100,
    "保存期間": 50,
    "備考": 5000,
    "説明": 5000,
}
FORM_BY_LABEL = {label: value for value, label in Asset.Form.choices if value}


def _join(items: Iterable[str]) -> str:
    return "、".join(items)


def _findings_text(codes: str) -> str:
    return _join(consistency.RULES[c].title for c in consistency.decode(codes) if c in consistency.RULES)


def _cells(values: list[object]) -> list[object]:
    # Control characters (possible in text typed into the web form or the API) are illegal in .xlsx.
    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]


def _asset_row(asset: Asset) -> list[object]:
    return _cells(
        [
            asset.code,
            asset.name,
            asset.get_form_display() if asset.form else "",
            asset.unit.code,
            asset.owner.employee_number if asset.owner else "",
            _join(s.code for s in asset.systems.all()),
            asset.zone.name if asset.zone else "",
            asset.room,
            asset.cabinet,
            asset.quantity,
            MARK if asset.has_personal_data else "",
            MARK if asset.has_sensitive_personal_data else "",
            MARK if asset.has_my_number else "",
            asset.retention,
            asset.confidentiality.code if asset.confidentiality else "",
            asset.integrity.code if asset.integrity else "",
            asset.availability.code if asset.availability else "",
            _join(s.code for s in asset.sections.all()),
            asset.notes,
            wareki_date(timezone.localtime(asset.classified_at).date()) if asset.classified_at else "",
            _findings_text(asset.finding_codes),
        ]
    )


def _system_row(system: System) -> list[object]:
    return _cells(
        [
            system.code,
            system.name,
            system.unit.code,
            system.zone.name if system.zone else "",
            system.manager.employee_number if system.manager else "",
            system.description,
            _findings_text(system.finding_codes),
        ]
    )


def _export_assets(assets: QuerySet[Asset]) -> QuerySet[Asset]:
    return (
        assets.select_related("unit", "owner", "zone", "confidentiality", "integrity", "availability")
        .prefetch_related("systems", "sections")
        .order_by("code")
    )


def _code_rows() -> list[list[object]]:
    rows: list[list[object]] = []
    rows += [["組織", u.code, u.name, ""] for u in Unit.objects.filter(is_active=True).order_by("path")]
    rows += [["ゾーン", z.code, z.name, z.description] for z in Zone.objects.all()]
    scheme = active_scheme()
    if scheme is not None:
        for level in Level.objects.filter(scheme=scheme).order_by("axis", "-rank"):
            rows.append([level.get_axis_display(), level.code, level.label, level.definition])
    rows += [["形態", label, label, "(a) の資産のみ"] for label in FORM_BY_LABEL]
    rows += [["対策基準の節", s.code, s.title, ""] for s in StandardSection.objects.filter(is_active=True)]
    rows += [
        ["情報システム", s.code, s.name, s.zone.name if s.zone else ""]
        for s in System.objects.select_related("zone")
    ]
    rows += [["印", MARK, "該当する", "個人情報などの列。該当しなければ空欄"]]
    return rows


def export_workbook(assets: QuerySet[Asset], systems: QuerySet[System]) -> bytes:
    """Return the given assets and systems in the import layout, with the codes sheet."""
    assets = _export_assets(assets)

    def build(workbook: Workbook) -> None:
        for kind, title in SHEETS.items():
            write_sheet(workbook, title, ASSET_COLUMNS, [_asset_row(a) for a in assets.filter(kind=kind)])
        write_sheet(
            workbook,
            SYSTEM_SHEET,
            SYSTEM_COLUMNS,
            [_system_row(s) for s in systems.select_related("unit", "zone", "manager").order_by("code")],
        )
        write_sheet(workbook, CODES_SHEET, CODE_COLUMNS, _code_rows())

    return workbook_bytes(build)


def template_workbook() -> bytes:
    """Return an empty register workbook (headers only) with the codes sheet."""

    def build(workbook: Workbook) -> None:
        for title in SHEETS.values():
            write_sheet(workbook, title, ASSET_COLUMNS, [])
        write_sheet(workbook, SYSTEM_SHEET, SYSTEM_COLUMNS, [])
        write_sheet(workbook, CODES_SHEET, CODE_COLUMNS, _code_rows())

    return workbook_bytes(build)


def export_csv(assets: QuerySet[Asset]) -> bytes:
    """Return the assets as CSV in UTF-8 with a BOM, so Excel opens it without mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["資産の種類", *(c.header.replace(EXPORT_ONLY, "") for c in ASSET_COLUMNS)])
    for asset in _export_assets(assets).iterator(chunk_size=2000):
        writer.writerow([asset.get_kind_display(), *_asset_row(asset)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---- import -------------------------------------------------------------------------------------


@dataclass
class _Lookups:
    """Everything a row may refer to, loaded once so 10,000 rows validate without a query each."""

    units: dict[str, Unit]
    manageable: set[int]
    people: dict[str, Person]
    zones: dict[str, Zone]
    levels: dict[tuple[str, str], Level]
    sections: dict[str, StandardSection]
    systems: dict[str, System]
    assets: dict[str, Asset]
    file_systems: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, actor: object) -> _Lookups:
        scheme = active_scheme()
        levels: dict[tuple[str, str], Level] = {}
        for level in Level.objects.filter(scheme=scheme):
            levels[(level.axis, level.code)] = level
            levels[(level.axis, level.label)] = level
        zones: dict[str, Zone] = {}
        for zone in Zone.objects.all():
            zones[zone.name] = zone
            zones[zone.code] = zone
        return cls(
            units={u.code: u for u in Unit.objects.all()},
            manageable=set(manageable_units(actor).values_list("pk", flat=True)),
            people={p.employee_number: p for p in Person.objects.all()},
            zones=zones,
            levels=levels,
            sections={s.code: s for s in StandardSection.objects.filter(is_active=True)},
            systems={s.code: s for s in System.objects.all()},
            assets={a.code: a for a in Asset.objects.all()},
        )


@dataclass
class _RowCheck:
    """Collects the errors of one row as it is read."""

    sheet: str
    row: int
    errors: list[CellError]

    def error(self, column: str, message: str) -> None:
        self.errors.append(CellError(self.sheet, self.row, column, message))

    def text(self, values: dict[str, object], column: str, *, required: bool = False) -> str:
        text = cell_text(values.get(column))
        if required and not text:
            self.error(column, "必須です。")
        limit = _MAX_LEN.get(column)
        if limit and len(text) > limit:
            self.error(column, f"{limit}文字以内で入力してください（{len(text)}文字）。")
        return text

    def flag(self, values: dict[str, object], column: str) -> bool:
        text = cell_text(values.get(column)).lower()
        if text in _YES:
            return True
        if text not in _NO:
            self.error(
                column,
                f"「{cell_text(values.get(column))}」は指定できません。該当すれば ○、しなければ空欄にしてください。",
            )
        return False

    def code(self, values: dict[str, object], column: str, seen: dict[str, tuple[str, int]]) -> str:
        code = cell_text(values.get(column))
        if not code:
            return ""
        if not _CODE.match(code):
            self.error(column, "英数字・ハイフン・ピリオド・下線のみ、40文字以内で入力してください。")
        elif code in seen:
            where = seen[code]
            self.error(column, f"「{code}」は {where[0]} シート {where[1]}行目と重複しています。")
        else:
            seen[code] = (self.sheet, self.row)
        return code

    def unit(self, values: dict[str, object], lookups: _Lookups) -> Unit | None:
        code = self.text(values, "所管課コード", required=True)
        if not code:
            return None
        unit = lookups.units.get(code)
        if unit is None:
            self.error("所管課コード", f"「{code}」という組織は登録されていません（コード表を参照）。")
        elif unit.pk not in lookups.manageable:
            self.error("所管課コード", f"「{unit.name}」の情報資産を管理する権限がありません。")
        return unit

    def person(self, values: dict[str, object], column: str, lookups: _Lookups) -> Person | None:
        number = cell_text(values.get(column))
        if not number:
            return None
        person = lookups.people.get(number)
        if person is None:
            self.error(column, f"職員番号「{number}」の職員は登録されていません。")
        return person

    def zone(self, values: dict[str, object], lookups: _Lookups) -> Zone | None:
        name = cell_text(values.get("ゾーン"))
        if not name:
            return None
        zone = lookups.zones.get(name)
        if zone is None:
            self.error("ゾーン", f"「{name}」というゾーンはありません（コード表を参照）。")
        return zone


def _check_system_row(
    check: _RowCheck, values: dict[str, object], lookups: _Lookups, seen: dict[str, tuple[str, int]]
) -> dict[str, object]:
    code = check.code(values, "システム番号", seen)
    existing = lookups.systems.get(code) if code else None
    name = check.text(values, "名称", required=True)
    if len(name) > 100:
        check.error("名称", f"情報システムの名称は100文字以内で入力してください（{len(name)}文字）。")
    if existing is not None and existing.unit_id not in lookups.manageable:
        check.error("システム番号", f"「{code}」の情報システムを変更する権限がありません。")
    if code:
        lookups.file_systems.add(code)
    return {
        "row": check.row,
        "code": code,
        "existing": existing,
        "name": name,
        "unit": check.unit(values, lookups),
        "zone": check.zone(values, lookups),
        "manager": check.person(values, "情報システム管理者の職員番号", lookups),
        "description": check.text(values, "説明"),
    }


def _check_asset_row(
    check: _RowCheck,
    kind: str,
    values: dict[str, object],
    lookups: _Lookups,
    seen: dict[str, tuple[str, int]],
) -> dict[str, object]:
    code = check.code(values, "資産番号", seen)
    existing = lookups.assets.get(code) if code else None
    if existing is not None and existing.unit_id not in lookups.manageable:
        check.error("資産番号", f"「{code}」の情報資産を変更する権限がありません。")
    form_label = cell_text(values.get("形態"))
    form = ""
    if form_label:
        if kind != Asset.Kind.SYSTEM:
            check.error("形態", "形態は (a) のシートでだけ指定できます。")
        elif form_label not in FORM_BY_LABEL:
            check.error(
                "形態", f"「{form_label}」は指定できません。{'・'.join(FORM_BY_LABEL)} のいずれかです。"
            )
        else:
            form = FORM_BY_LABEL[form_label]
    system_codes = [c for c in _LIST_SPLIT.split(cell_text(values.get("情報システム番号"))) if c]
    for system_code in system_codes:
        if system_code not in lookups.systems and system_code not in lookups.file_systems:
            check.error("情報システム番号", f"「{system_code}」という情報システムはありません。")
    section_codes = [c for c in _LIST_SPLIT.split(cell_text(values.get("対策基準の節"))) if c]
    for section_code in section_codes:
        if section_code not in lookups.sections:
            check.error("対策基準の節", f"「{section_code}」という対策基準の節はありません。")
    levels: list[Level | None] = []
    for column, axis in (("機密性", "confidentiality"), ("完全性", "integrity"), ("可用性", "availability")):
        text = cell_text(values.get(column))
        level = lookups.levels.get((axis, text)) if text else None
        if text and level is None:
            choices = "・".join(
                sorted({lv.code for (a, _), lv in lookups.levels.items() if a == axis}, reverse=True)
            )
            check.error(column, f"「{text}」は使用中の分類基準の{column}の区分ではありません（{choices}）。")
        levels.append(level)
    return {
        "row": check.row,
        "code": code,
        "existing": existing,
        "kind": kind,
        "name": check.text(values, "名称", required=True),
        "form": form,
        "unit": check.unit(values, lookups),
        "owner": check.person(values, "管理責任者の職員番号", lookups),
        "systems": system_codes,
        "zone": check.zone(values, lookups),
        "room": check.text(values, "保管場所"),
        "cabinet": check.text(values, "キャビネット等"),
        "quantity": check.text(values, "数量・規模"),
        "has_personal_data": check.flag(values, "個人情報"),
        "has_sensitive_personal_data": check.flag(values, "要配慮個人情報"),
        "has_my_number": check.flag(values, "特定個人情報"),
        "retention": check.text(values, "保存期間"),
        "confidentiality": levels[0],
        "integrity": levels[1],
        "availability": levels[2],
        "sections": section_codes,
        "notes": check.text(values, "備考"),
    }


_PLAIN_FIELDS = (
    "name",
    "kind",
    "form",
    "unit",
    "owner",
    "zone",
    "room",
    "cabinet",
    "quantity",
    "has_personal_data",
    "has_sensitive_personal_data",
    "has_my_number",
    "retention",
    "notes",
)
_LEVELS = ("confidentiality", "integrity", "availability")


def _differs(asset: Asset, row: dict[str, object]) -> tuple[bool, bool]:
    """Return (plain fields differ, levels differ) between a stored asset and an import row."""
    plain = False
    for name in _PLAIN_FIELDS:
        value = row[name]
        current = getattr(asset, f"{name}_id") if name in ("unit", "owner", "zone") else getattr(asset, name)
        wanted = getattr(value, "pk", None) if name in ("unit", "owner", "zone") else value
        if current != wanted:
            plain = True
            break
    levels = any(getattr(asset, f"{n}_id") != getattr(row[n], "pk", None) for n in _LEVELS)
    return plain, levels


def import_workbook(workbook: Workbook, *, actor: object) -> ImportReport:
    """Validate every sheet completely, then apply the register in one transaction, or change nothing."""
    report = ImportReport()
    lookups = _Lookups.load(actor)
    seen_systems: dict[str, tuple[str, int]] = {}
    seen_assets: dict[str, tuple[str, int]] = {}
    system_rows = [
        _check_system_row(_RowCheck(SYSTEM_SHEET, row, report.errors), values, lookups, seen_systems)
        for row, values in read_rows(workbook, SYSTEM_SHEET, SYSTEM_COLUMNS, report.errors)
    ]
    asset_rows = []
    for kind, sheet in SHEETS.items():
        for row, values in read_rows(workbook, sheet, ASSET_COLUMNS, report.errors):
            asset_rows.append(
                _check_asset_row(_RowCheck(sheet, row, report.errors), kind, values, lookups, seen_assets)
            )
    if report.errors:
        report.errors.sort(key=lambda e: (e.sheet, e.row))
        return report
    try:
        with transaction.atomic():
            _apply(system_rows, asset_rows, lookups, report, actor)
    except ValidationError as exc:
        # A rule the row checks above missed: the transaction is rolled back, so still nothing changed.
        report.errors.extend(CellError("", 0, "", message) for message in exc.messages)
        report.created = report.updated = 0
    return report


def _apply(
    system_rows: Sequence[dict[str, object]],
    asset_rows: Sequence[dict[str, object]],
    lookups: _Lookups,
    report: ImportReport,
    actor: object,
) -> None:
    user = acting_user(actor)
    for row in system_rows:
        existing = row["existing"]
        values = {k: row[k] for k in ("name", "unit", "zone", "manager", "description")}
        if existing is not None and all(
            getattr(existing, f"{k}_id" if k in ("unit", "zone", "manager") else k)
            == (getattr(v, "pk", None) if k in ("unit", "zone", "manager") else v)
            for k, v in values.items()
        ):
            continue
        system = save_system(existing, actor=actor, values={**values, "code": row["code"]})  # type: ignore[arg-type]
        lookups.systems[system.code] = system
    now = timezone.now()
    context = consistency.Context.current()
    zone_by_id = {z.pk: z for z in lookups.zones.values()}

    def findings_for(row: dict[str, object], classified_at: dt.datetime | None) -> list[str]:
        # The rules run here on the validated rows, in memory: re-reading 10,000 assets with their
        # relations afterwards would cost more than the whole import.
        zones = [
            zone_by_id[system.zone_id]
            for system in (lookups.systems[c] for c in row["systems"])  # type: ignore[attr-defined]
            if system.zone_id is not None
        ]
        if row["zone"] is not None:
            zones.append(row["zone"])  # type: ignore[arg-type]
        owner = row["owner"]
        return consistency.evaluate_asset(
            has_my_number=bool(row["has_my_number"]),
            zones=zones,
            levels=[row[n] for n in _LEVELS],  # type: ignore[misc]
            owner_is_active=None if owner is None else owner.is_active,  # type: ignore[attr-defined]
            classified_at=classified_at,
            context=context,
        )

    creates: list[Asset] = []
    create_rows: list[dict[str, object]] = []
    updates: list[Asset] = []
    relink: list[tuple[Asset, dict[str, object]]] = []
    derived: dict[int, list[str]] = {}
    decisions: list[ClassificationDecision] = []
    next_number = int(next_asset_code()[3:])
    taken = {str(row["code"]) for row in asset_rows if row["code"]}
    for row in asset_rows:
        existing = row["existing"]
        if existing is None:
            code = row["code"]
            if not code:
                while f"IA-{next_number:06d}" in taken:
                    next_number += 1
                code = f"IA-{next_number:06d}"
                taken.add(code)
            asset = Asset(code=str(code), updated_at=now, **{k: row[k] for k in (*_PLAIN_FIELDS, *_LEVELS)})
            if any(row[n] is not None for n in _LEVELS):
                asset.classified_at, asset.classified_by = now, user
            codes = findings_for(row, asset.classified_at)
            asset.finding_codes, asset.finding_count = consistency.encode(codes), len(codes)
            creates.append(asset)
            create_rows.append(row)
            continue
        assert isinstance(existing, Asset)
        plain, levels = _differs(existing, row)
        if plain or levels:
            for name in (*_PLAIN_FIELDS, *_LEVELS):
                setattr(existing, name, row[name])
            existing.updated_at = now
            if levels:
                existing.classified_at, existing.classified_by = now, user
                decisions.append(_decision(existing, user, now))
            codes = findings_for(row, existing.classified_at)
            existing.finding_codes, existing.finding_count = consistency.encode(codes), len(codes)
            updates.append(existing)
        else:
            codes = findings_for(row, existing.classified_at)
            if consistency.encode(codes) != existing.finding_codes:
                derived[existing.pk] = codes
        relink.append((existing, row))
    Asset.objects.bulk_create(creates, batch_size=1000)
    decisions += [_decision(a, user, now) for a in creates if a.classified_at is not None]
    if updates:
        Asset.objects.bulk_update(
            updates,
            [*_PLAIN_FIELDS, *_LEVELS, "updated_at", "classified_at", "classified_by"],
            batch_size=500,
        )
    ClassificationDecision.objects.bulk_create(decisions, batch_size=1000)
    relinked = _link(list(zip(creates, create_rows, strict=True)), relink, lookups)
    report.created = len(creates)
    report.updated = len({a.pk for a in updates} | relinked)
    audit.record(
        "import",
        object_type="assets.asset",
        object_repr=f"情報資産台帳の取込（新規 {report.created}件、更新 {report.updated}件）",
        changes={
            "created": [a.code for a in creates],
            "updated": sorted({a.code for a in updates} | {a.code for a, _ in relink if a.pk in relinked}),
        },
        actor=actor,
        via="import",
    )
    consistency.store_codes(Asset, derived, with_count=True)


def _decision(asset: Asset, user: object, now: dt.datetime) -> ClassificationDecision:
    return ClassificationDecision(
        asset=asset,
        confidentiality=asset.confidentiality,
        integrity=asset.integrity,
        availability=asset.availability,
        method=ClassificationDecision.Method.IMPORT,
        decided_by=user,  # type: ignore[misc]
        decided_at=now,
    )


def _link(
    created: Sequence[tuple[Asset, dict[str, object]]],
    existing: Sequence[tuple[Asset, dict[str, object]]],
    lookups: _Lookups,
) -> set[int]:
    """Write the systems and sections links with bulk inserts; return ids of existing assets relinked."""
    system_through = Asset.systems.through
    section_through = Asset.sections.through
    current_systems: dict[int, set[int]] = {}
    current_sections: dict[int, set[int]] = {}
    ids = [a.pk for a, _ in existing]
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for asset_id, system_id in system_through.objects.filter(asset_id__in=chunk).values_list(
            "asset_id", "system_id"
        ):
            current_systems.setdefault(asset_id, set()).add(system_id)
        for asset_id, section_id in section_through.objects.filter(asset_id__in=chunk).values_list(
            "asset_id", "standardsection_id"
        ):
            current_sections.setdefault(asset_id, set()).add(section_id)
    new_systems, new_sections, relinked = [], [], set()
    clear_systems, clear_sections = [], []
    for asset, row in [*created, *existing]:
        wanted_systems = {lookups.systems[c].pk for c in row["systems"]}  # type: ignore[attr-defined]
        wanted_sections = {lookups.sections[c].pk for c in row["sections"]}  # type: ignore[attr-defined]
        is_new = row["existing"] is None
        if is_new or wanted_systems != current_systems.get(asset.pk, set()):
            if not is_new:
                clear_systems.append(asset.pk)
                relinked.add(asset.pk)
            new_systems += [system_through(asset_id=asset.pk, system_id=s) for s in wanted_systems]
        if is_new or wanted_sections != current_sections.get(asset.pk, set()):
            if not is_new:
                clear_sections.append(asset.pk)
                relinked.add(asset.pk)
            new_sections += [
                section_through(asset_id=asset.pk, standardsection_id=s) for s in wanted_sections
            ]
    for start in range(0, len(clear_systems), 900):
        system_through.objects.filter(asset_id__in=clear_systems[start : start + 900]).delete()
    for start in range(0, len(clear_sections), 900):
        section_through.objects.filter(asset_id__in=clear_sections[start : start + 900]).delete()
    system_through.objects.bulk_create(new_systems, batch_size=1000)
    section_through.objects.bulk_create(new_sections, batch_size=1000)
    return relinked
