"""Reading and writing registers as .xlsx, with row-and-column error reports in Japanese.

Every import in Mamori is all-or-nothing: read every row, collect every bad cell as a :class:`CellError`,
and change nothing unless the list is empty. Apps describe their sheets with :class:`Column` lists and use
:func:`read_rows` and :func:`write_sheet`, so the error wording and the layout are the same everywhere.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="E8F1FE")
MAX_IMPORT_BYTES = 50 * 1024 * 1024  # a register is small; a larger upload is a mistake or an attack


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its Japanese header, whether it is required, and an optional example."""

    header: str
    required: bool = False
    example: str = ""
    width: int = 16


@dataclass(frozen=True)
class CellError:
    """A problem with one cell (or one row when ``column`` is empty)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet} シート {self.row}行目"
        if self.column:
            where += f"「{self.column}」列"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """The outcome of an import: errors (nothing changed) or counts of what changed."""

    errors: list[CellError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    deactivated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class WorkbookUnreadable(Exception):
    """The upload is not an .xlsx file openpyxl can read."""


def open_workbook(data: bytes) -> Workbook:
    """Open uploaded bytes as a workbook, raising WorkbookUnreadable with a Japanese message."""
    if len(data) > MAX_IMPORT_BYTES:
        raise WorkbookUnreadable("ファイルが大きすぎます（上限 50MB）。")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise WorkbookUnreadable("Excel ファイル（.xlsx）として読み込めませんでした。") from exc
    except Exception as exc:
        raise WorkbookUnreadable("Excel ファイル（.xlsx）として読み込めませんでした。") from exc


def cell_text(value: object) -> str:
    """Return a cell's value as stripped text ('' for empty); whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(
    workbook: Workbook, sheet_name: str, columns: Sequence[Column], errors: list[CellError]
) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield (row number, {header: value}) for each non-empty data row; header problems go to ``errors``."""
    if sheet_name not in workbook.sheetnames:
        errors.append(CellError(sheet_name, 0, "", f"「{sheet_name}」シートがありません。"))
        return
    sheet = workbook[sheet_name]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        errors.append(CellError(sheet_name, 1, "", "見出し行がありません。"))
        return
    headers = [cell_text(h) for h in header_row]
    positions: dict[str, int] = {}
    for column in columns:
        if column.header in headers:
            positions[column.header] = headers.index(column.header)
        elif column.required:
            errors.append(CellError(sheet_name, 1, column.header, "必須の列がありません。"))
    if any(e.sheet == sheet_name and e.row == 1 for e in errors):
        return
    for number, row in enumerate(rows, start=2):
        if row is None or all(cell_text(v) == "" for v in row):
            continue
        values = {h: (row[i] if i < len(row) else None) for h, i in positions.items()}
        yield number, values


def write_sheet(
    workbook: Workbook, title: str, columns: Sequence[Column], rows: Sequence[Sequence[object]]
) -> Worksheet:
    """Add a sheet with a bold, filled header row, frozen panes and sensible widths."""
    sheet = workbook.create_sheet(title)
    sheet.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    return sheet


def workbook_bytes(build: Callable[[Workbook], None]) -> bytes:
    """Create a workbook, let ``build`` add sheets, and return the .xlsx bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
