"""The checklist catalogue: list, add, edit, retire, new version, Excel import and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mamori.core import audit
from mamori.core.permissions import can
from mamori.core.spreadsheets import WorkbookUnreadable, open_workbook
from mamori.inspections import services
from mamori.inspections.catalogue_excel import export_catalogue, import_catalogue
from mamori.inspections.errors import InspectionError
from mamori.inspections.forms import ItemForm, UploadForm, VersionForm
from mamori.inspections.models import CatalogueVersion, ChecklistItem, RespondentType
from mamori.inspections.views._common import require
from mamori.policies.models import StandardSection
from mamori.web.downloads import attachment


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspections.view_catalogue")
    items = ChecklistItem.objects.select_related("section", "version").order_by("order", "code")
    section = request.GET.get("section", "")
    respondent = request.GET.get("respondent", "")
    status = request.GET.get("status", "active")
    if section:
        items = items.filter(section__code=section) | items.filter(section__code__startswith=f"{section}.")
    if respondent in RespondentType.values:
        items = items.filter(respondent_type=respondent)
    if status == "active":
        items = items.filter(is_active=True)
    elif status == "retired":
        items = items.filter(is_active=False)
    return render(
        request,
        "inspections/catalogue_list.html",
        {
            "items": items,
            "sections": StandardSection.objects.filter(parent__isnull=True),
            "respondent_types": RespondentType.choices,
            "filters": {"section": section, "respondent": respondent, "status": status},
            "versions": CatalogueVersion.objects.all(),
            "can_manage": can(request.user, "inspections.manage_catalogue"),
        },
    )


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspections.manage_catalogue")
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(actor=request.user, **form.cleaned_data)
        except InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"点検項目 {item.code} を追加しました。")
            return redirect("inspections:catalogue")
    return render(request, "inspections/item_form.html", {"form": form, "item": None})


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "inspections.manage_catalogue")
    item = get_object_or_404(ChecklistItem, pk=pk)
    form = ItemForm(request.POST or None, instance=ChecklistItem.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_item(item, actor=request.user, **form.cleaned_data)
        except InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "点検項目を更新しました。" if changed else "変更はありませんでした。")
            return redirect("inspections:catalogue")
    return render(request, "inspections/item_form.html", {"form": form, "item": item})


@login_required
@require_POST
def item_retire(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "inspections.manage_catalogue")
    item = get_object_or_404(ChecklistItem, pk=pk)
    if request.POST.get("restore"):
        services.restore_item(item, actor=request.user)
        messages.success(request, f"{item.code} を再び使用します。")
    else:
        services.retire_item(item, actor=request.user)
        messages.success(request, f"{item.code} を廃止しました。過去の回答は残ります。")
    return redirect("inspections:catalogue")


@login_required
def version_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspections.manage_catalogue")
    form = VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.start_catalogue_version(actor=request.user, **form.cleaned_data)
        except InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"「{version.title}」を現行版にしました。")
            return redirect("inspections:catalogue")
    return render(request, "inspections/version_form.html", {"form": form})


@login_required
def catalogue_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspections.view_catalogue")
    audit.record("export", object_type="inspections.checklistitem", object_repr="点検項目の出力")
    return attachment(export_catalogue(), "checklist.xlsx")


@login_required
def catalogue_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspections.manage_catalogue")
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            workbook = open_workbook(form.cleaned_data["file"].read())
        except WorkbookUnreadable as exc:
            form.add_error("file", str(exc))
            status = 400
        else:
            report = import_catalogue(workbook, actor=request.user)
            if report.ok:
                messages.success(
                    request,
                    f"取り込みました（新規 {report.created}件、更新 {report.updated}件、廃止 {report.deactivated}件）。",
                )
                return redirect("inspections:catalogue")
            status = 400
    return render(
        request, "inspections/catalogue_import.html", {"form": form, "report": report}, status=status
    )
