"""Excel import and export of the organisation, and the list of locked accounts."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mamori.core import audit, lockout
from mamori.core.org_excel import export_workbook, import_workbook, template_workbook
from mamori.core.permissions import can
from mamori.core.spreadsheets import WorkbookUnreadable, open_workbook
from mamori.web.downloads import attachment


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel ファイル（.xlsx）")
    deactivate_missing = forms.BooleanField(
        label="ファイルにない職員を退職・異動扱いにする",
        required=False,
        help_text="人事異動の一括反映に使います。",
    )


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "core.manage_organisation"):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            workbook = open_workbook(upload.read())
        except WorkbookUnreadable as exc:
            form.add_error("file", str(exc))
            status = 400
        else:
            with audit.acting_as(request.user, via="import"):
                report = import_workbook(workbook, deactivate_missing=form.cleaned_data["deactivate_missing"])
            if report.ok:
                messages.success(
                    request,
                    f"取り込みました（新規 {report.created}件、更新 {report.updated}件、"
                    f"退職・異動 {report.deactivated}件）。",
                )
                return redirect("core:organisation")
            status = 400
    return render(request, "core/organisation_import.html", {"form": form, "report": report}, status=status)


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "core.manage_organisation"):
        raise Http404
    audit.record("export", object_type="core.organisation", object_repr="組織・職員の出力")
    return attachment(export_workbook(), "organisation.xlsx")


@login_required
def template_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "core.manage_organisation"):
        raise Http404
    return attachment(template_workbook(), "organisation-template.xlsx")


@login_required
def locks_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "core.unlock_account"):
        raise Http404
    if request.method == "POST":
        username = request.POST.get("username", "")
        cleared = lockout.unlock(username, actor=request.user)
        messages.success(request, f"「{username}」のロックを解除しました（失敗記録 {cleared}件を消去）。")
        return redirect("core:locks")
    return render(request, "core/locks.html", {"locked": lockout.locked_usernames()})
