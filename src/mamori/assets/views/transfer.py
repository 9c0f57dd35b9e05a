"""Excel import and export of the whole register, the empty template and the CSV export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mamori.assets import register_excel
from mamori.assets.access import VIEW, manageable_units, visible_assets
from mamori.assets.forms import ImportForm
from mamori.assets.models import System
from mamori.core import audit
from mamori.core.permissions import can
from mamori.core.spreadsheets import WorkbookUnreadable, open_workbook
from mamori.web.downloads import attachment


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW):
        raise Http404
    assets = visible_assets(request.user)
    audit.record(
        "export", object_type="assets.asset", object_repr=f"情報資産台帳の出力（{assets.count()}件）"
    )
    return attachment(register_excel.export_workbook(assets, System.objects.all()), "assets.xlsx")


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW):
        raise Http404
    assets = visible_assets(request.user)
    audit.record(
        "export", object_type="assets.asset", object_repr=f"情報資産台帳の CSV 出力（{assets.count()}件）"
    )
    return attachment(register_excel.export_csv(assets), "assets.csv", "text/csv; charset=utf-8")


@login_required
def template_xlsx(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW):
        raise Http404
    return attachment(register_excel.template_workbook(), "assets-template.xlsx")


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not manageable_units(request.user).exists():
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            workbook = open_workbook(form.cleaned_data["file"].read())
        except WorkbookUnreadable as exc:
            form.add_error("file", str(exc))
            status = 400
        else:
            with audit.acting_as(request.user, via="import"):
                report = register_excel.import_workbook(workbook, actor=request.user)
            if report.ok:
                messages.success(
                    request, f"取り込みました（新規 {report.created}件、更新 {report.updated}件）。"
                )
                return redirect("assets:asset_list")
            status = 400
    return render(request, "assets/import.html", {"form": form, "report": report}, status=status)
