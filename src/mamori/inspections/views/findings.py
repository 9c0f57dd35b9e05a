"""Findings and corrective actions: list with the overdue list, raise from an answer, detail with actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from mamori.core.permissions import can, person_of, scope_filter
from mamori.inspections import services
from mamori.inspections.access import get_action_for, get_finding_for, get_sheet_for, is_plan_auditor
from mamori.inspections.errors import InspectionError
from mamori.inspections.forms import ActionForm, CompleteForm, FindingFromAnswerForm
from mamori.inspections.models import Answer, CorrectiveAction, Finding


def _visible_findings(request: HttpRequest) -> object:
    findings = Finding.objects.select_related("unit", "section", "plan")
    scope = scope_filter(request.user, "inspections.view_findings")
    if scope is not None and not scope:
        return findings  # an empty Q: the whole municipality (an empty Q would vanish in an OR below)
    person = person_of(request.user)
    condition = scope if scope is not None else Q(pk__in=[])
    if person is not None:
        condition |= Q(plan__assignments__auditor=person) | Q(actions__owner=person)
    return findings.filter(condition).distinct()


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    findings = _visible_findings(request)
    status = request.GET.get("status", "open")
    if status in Finding.Status.values:
        findings = findings.filter(status=status)
    visible_ids = _visible_findings(request).values("pk")
    overdue = services.overdue_actions(timezone.localdate()).filter(finding__in=visible_ids)
    return render(
        request,
        "inspections/finding_list.html",
        {"findings": findings, "overdue": overdue, "status": status, "statuses": Finding.Status.choices},
    )


@login_required
def finding_from_answer(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(Answer.objects.select_related("sheet", "campaign_item__item", "unit"), pk=pk)
    get_sheet_for(request.user, answer.sheet_id, "view")
    if not can(request.user, "inspections.manage_findings", answer):
        raise Http404
    form = FindingFromAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.raise_finding_from_answer(answer, actor=request.user, **form.cleaned_data)
        except InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "指摘事項を起票しました。是正措置を登録してください。")
            return redirect(finding)
    return render(request, "inspections/finding_from_answer.html", {"form": form, "answer": answer})


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for(request.user, pk)
    may_manage = can(request.user, "inspections.manage_findings", finding) or (
        finding.plan is not None and is_plan_auditor(request.user, finding.plan)
    )
    form = ActionForm(request.POST or None, initial={"due_on": timezone.localdate()})
    if request.method == "POST":
        if not may_manage:
            raise Http404
        if form.is_valid():
            try:
                services.add_action(finding, actor=request.user, **form.cleaned_data)
            except InspectionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "是正措置を登録しました。")
                return redirect(finding)
    person = person_of(request.user)
    actions = list(finding.actions.select_related("owner", "verified_by"))
    may_verify = can(request.user, "inspections.verify_actions", finding) or (
        finding.plan is not None and is_plan_auditor(request.user, finding.plan)
    )
    for action in actions:
        action.may_complete = action.is_open and (
            may_manage or (person is not None and action.owner_id == person.pk)
        )  # type: ignore[attr-defined]
        action.may_verify = (
            may_verify
            and action.status == CorrectiveAction.Status.COMPLETED
            and (person is None or action.owner_id != person.pk)
        )  # type: ignore[attr-defined]
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "actions": actions,
            "form": form if may_manage else None,
            "complete_form": CompleteForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for(request.user, pk)
    if request.method != "POST":
        return redirect("inspections:finding_detail", pk=action.finding_id)
    operation = request.POST.get("operation", "")
    try:
        if operation == "start":
            services.start_action(action, actor=request.user)
            messages.success(request, "対応中にしました。")
        elif operation == "complete":
            services.complete_action(action, actor=request.user, note=request.POST.get("note", ""))
            messages.success(request, "完了報告をしました。監査人または情報政策課の確認を待っています。")
        elif operation == "verify":
            services.verify_action(action, actor=request.user)
            messages.success(request, "是正措置を確認しました。")
        else:
            messages.error(request, "操作が正しくありません。")
    except InspectionError as exc:
        messages.error(request, exc.message)
    return redirect("inspections:finding_detail", pk=action.finding_id)
