"""Who has confirmed a version in force, per unit; reminders and CSV / Excel export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mamori.core import audit
from mamori.core.japanese_calendar import wareki_date
from mamori.core.models import Unit
from mamori.core.permissions import can, filter_visible
from mamori.core.spreadsheets import Column, workbook_bytes, write_sheet
from mamori.policies import services
from mamori.policies.access import get_document_for, get_version_for
from mamori.policies.models import PolicyVersion, ReadReceipt
from mamori.policies.views._common import crumbs
from mamori.web.downloads import attachment

COLUMNS = (
    Column("組織", width=24),
    Column("職員番号", width=12),
    Column("氏名", width=16),
    Column("職員区分", width=16),
    Column("状態", width=10),
    Column("確認日時", width=24),
    Column("督促回数", width=10),
)


@dataclass
class UnitReceipts:
    """The people of one unit who have and have not confirmed."""

    unit: Unit
    done: list[ReadReceipt] = field(default_factory=list)
    pending: list[ReadReceipt] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.pending)

    @property
    def percent(self) -> int:
        return round(100 * len(self.done) / self.total) if self.total else 0


def _rows(receipts: list[ReadReceipt]) -> list[list[object]]:
    rows: list[list[object]] = []
    for r in receipts:
        confirmed = ""
        if r.confirmed_at is not None:
            local = timezone.localtime(r.confirmed_at)
            confirmed = f"{wareki_date(local.date())} {local:%H:%M}"
        rows.append(
            [
                r.person.unit.full_name(),
                r.person.employee_number,
                r.person.full_name,
                r.person.get_staff_type_display(),
                "確認済み" if r.confirmed_at else "未確認",
                confirmed,
                r.reminder_count,
            ]
        )
    return rows


def _receipts_for(request: HttpRequest, version: PolicyVersion) -> list[ReadReceipt]:
    qs = version.receipts.select_related("person", "person__unit")
    return list(filter_visible(qs, request.user, "policies.view_receipts", unit_field="person__unit"))  # type: ignore[call-overload]


@login_required
def receipts(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    if not can(request.user, "policies.view_receipts"):
        raise Http404
    document = get_document_for(request.user, pk)
    version = get_version_for(request.user, document, number)
    if not version.is_approved:
        raise Http404
    items = _receipts_for(request, version)
    if request.method == "POST":
        sent = services.send_reminders(
            version=version, person_ids=[r.person_id for r in items], min_days_between=1
        )
        messages.success(request, f"未確認の{sent}人に督促メールを送りました。")
        return redirect("policies:receipts", pk=pk, number=number)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        audit.record(
            "export",
            object_type="policies.readreceipt",
            object_id=version.pk,
            object_repr=f"{version} 確認状況",
            changes={"format": fmt, "rows": len(items)},
        )
        filename = f"receipts-{document.pk}-v{version.number}.{fmt}"
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow([c.header for c in COLUMNS])
            writer.writerows(_rows(items))
            # BOM so that Excel opens the UTF-8 file with Japanese intact.
            return attachment("\ufeff" + buffer.getvalue(), filename, "text/csv; charset=utf-8")
        data = workbook_bytes(lambda wb: write_sheet(wb, "確認状況", COLUMNS, _rows(items)))
        return attachment(data, filename)
    by_unit: dict[int, UnitReceipts] = {}
    for r in items:
        row = by_unit.setdefault(r.person.unit_id, UnitReceipts(unit=r.person.unit))
        (row.done if r.confirmed_at else row.pending).append(r)
    units = sorted(by_unit.values(), key=lambda row: row.unit.path)
    done = sum(1 for r in items if r.confirmed_at)
    return render(
        request,
        "policies/receipts.html",
        {
            "document": document,
            "version": version,
            "units": units,
            "total": len(items),
            "done": done,
            "percent": round(100 * done / len(items)) if items else 0,
            "crumbs": crumbs(
                (document.title, document.get_absolute_url()),
                (version.label, version.get_absolute_url()),
                ("確認状況", ""),
            ),
        },
    )
