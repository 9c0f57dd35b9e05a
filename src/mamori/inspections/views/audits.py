"""Audit plans: list, create, and the plan page (auditors, fieldwork notes, findings)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mamori.core.models import Unit
from mamori.core.permissions import can, person_of
from mamori.inspections import services
from mamori.inspections.access import get_plan_for, is_plan_auditor
from mamori.inspections.errors import InspectionError
from mamori.inspections.forms import AssignAuditorForm, AuditFindingForm, NoteForm, PlanForm
from mamori.inspections.models import AuditPlan
from mamori.inspections.services.audits import INDEPENDENCE_RULE
from mamori.inspections.views._common import require


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if can(request.user, "inspections.view_audits"):
        plans = AuditPlan.objects.all()
    else:
        person = person_of(request.user)
        plans = (
            AuditPlan.objects.filter(assignments__auditor=person).distinct()
            if person
            else AuditPlan.objects.none()
        )
    return render(
        request,
        "inspections/plan_list.html",
        {"plans": plans, "can_manage": can(request.user, "inspections.manage_audits")},
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspections.manage_audits")
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_plan(
                actor=request.user,
                **{
                    **data,
                    "units": list(data["units"]),
                    "systems": list(data["systems"]),
                    "items": list(data["items"]),
                },
            )
        except InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"監査計画「{plan.title}」を作成しました。")
            return redirect(plan)
    return render(request, "inspections/plan_form.html", {"form": form})


def _my_units(request: HttpRequest, plan: AuditPlan) -> object:
    person = person_of(request.user)
    if can(request.user, "inspections.manage_audits"):
        return plan.units.order_by("path")
    return Unit.objects.filter(pk__in=plan.assignments.filter(auditor=person).values("unit_id")).order_by(
        "path"
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request.user, pk, "view")
    manage = can(request.user, "inspections.manage_audits")
    auditor = is_plan_auditor(request.user, plan)
    units = _my_units(request, plan)
    assign_form = AssignAuditorForm(plan, prefix="assign")
    note_form = NoteForm(plan, units, prefix="note")
    finding_form = AuditFindingForm(units, prefix="finding")
    if request.method == "POST":
        form_name = request.POST.get("form", "")
        try:
            if form_name == "assign" and manage:
                assign_form = AssignAuditorForm(plan, request.POST, prefix="assign")
                if assign_form.is_valid():
                    services.assign_auditor(plan, actor=request.user, **assign_form.cleaned_data)
                    messages.success(request, "監査人を割り当てました。")
                    return redirect(plan)
            elif form_name == "note" and (auditor or manage):
                note_form = NoteForm(plan, units, request.POST, prefix="note")
                if note_form.is_valid():
                    services.add_fieldwork_note(plan, actor=request.user, **note_form.cleaned_data)
                    messages.success(request, "実地調査メモを記録しました。")
                    return redirect(plan)
            elif form_name == "finding" and (auditor or manage):
                finding_form = AuditFindingForm(units, request.POST, prefix="finding")
                if finding_form.is_valid():
                    finding = services.raise_audit_finding(
                        plan, actor=request.user, **finding_form.cleaned_data
                    )
                    messages.success(request, "指摘事項を起票しました。是正措置を登録してください。")
                    return redirect(finding)
            elif form_name == "status" and (auditor or manage):
                services.set_plan_status(plan, actor=request.user, status=request.POST.get("status", ""))
                messages.success(request, "状態を変更しました。")
                return redirect(plan)
            else:
                messages.error(request, "この操作はできません。")
        except InspectionError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "assignments": plan.assignments.select_related("auditor__unit", "unit"),
            "notes": plan.notes.filter(unit__in=units).select_related("unit", "author", "audit_item"),
            "findings": plan.findings.filter(unit__in=units).select_related("unit", "section"),
            "items": plan.items.select_related("section"),
            "assign_form": assign_form if manage else None,
            "note_form": note_form if (auditor or manage) else None,
            "finding_form": finding_form if (auditor or manage) else None,
            "can_status": auditor or manage,
            "statuses": AuditPlan.Status.choices,
            "rule": INDEPENDENCE_RULE,
        },
    )
