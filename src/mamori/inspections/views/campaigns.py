"""Campaigns: the inspections home, create (from the catalogue or from last year), detail, review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mamori.core.permissions import can, person_of, scope_filter
from mamori.inspections import services
from mamori.inspections.access import get_campaign_for
from mamori.inspections.errors import InspectionError
from mamori.inspections.forms import CampaignForm, CarryOverForm
from mamori.inspections.models import AnswerSheet, Campaign
from mamori.inspections.results import campaign_results
from mamori.inspections.views._common import require


@login_required
def index(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    my_sheets = (
        AnswerSheet.objects.filter(person=person)
        .select_related("campaign", "unit", "system")
        .order_by("-campaign__fiscal_year")
        if person is not None
        else AnswerSheet.objects.none()
    )
    sees_campaigns = can(request.user, "inspections.manage_campaigns") or can(
        request.user, "inspections.view_results"
    )
    campaigns = (
        Campaign.objects.annotate(n_sheets=Count("sheets")) if sees_campaigns else Campaign.objects.none()
    )
    return render(
        request,
        "inspections/index.html",
        {
            "my_sheets": my_sheets,
            "campaigns": campaigns,
            "can_manage": can(request.user, "inspections.manage_campaigns"),
            "can_review": can(request.user, "inspections.review_sheets"),
            "can_audit": can(request.user, "inspections.view_audits"),
            "can_findings": can(request.user, "inspections.view_findings"),
            "can_review_input": can(request.user, "inspections.view_review_input"),
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspections.manage_campaigns")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.create_campaign(
                actor=request.user,
                fiscal_year=data["fiscal_year"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                units=list(data["units"]),
                respondent_types=data["respondent_types"],
                items=form.chosen_items(),
                systems=list(data["systems"]),
            )
        except InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"「{campaign.title}」を作成しました。内容を確認して開始してください。")
            return redirect(campaign)
    return render(request, "inspections/campaign_form.html", {"form": form, "previous": None})


@login_required
def campaign_carry_over(request: HttpRequest, pk: int) -> HttpResponse:
    previous = get_campaign_for(request.user, pk, "manage")
    initial = {
        "fiscal_year": previous.fiscal_year + 1,
        "opens_on": previous.opens_on.replace(year=previous.opens_on.year + 1),
        "closes_on": previous.closes_on.replace(year=previous.closes_on.year + 1),
        "show_previous_answers": True,
    }
    form = CarryOverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign_from(previous, actor=request.user, **form.cleaned_data)
        except InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"前年度の自己点検から「{campaign.title}」を作成しました。")
            return redirect(campaign)
    return render(request, "inspections/campaign_form.html", {"form": form, "previous": previous})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, "view")
    manage = can(request.user, "inspections.manage_campaigns")
    scope = Q() if manage else scope_filter(request.user, "inspections.view_results")
    unit_ids = (
        None if manage else list(campaign.sheets.filter(scope).values_list("unit_id", flat=True).distinct())
    )
    results = campaign_results(campaign, unit_ids=unit_ids, weakest=0)
    sheets = campaign.sheets.filter(scope).select_related("person", "unit", "system")
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "campaign": campaign,
            "results": results,
            "sheets": sheets,
            "can_manage": manage,
            "status_counts": dict(sheets.values_list("status").annotate(n=Count("id")).order_by()),
            "statuses": AnswerSheet.Status.choices,
        },
    )


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, "manage")
    operation = request.POST.get("operation", "")
    try:
        if operation == "open":
            services.open_campaign(campaign, actor=request.user)
            messages.success(request, "自己点検を開始しました。回答者にタスクとメールが届きます。")
        elif operation == "close":
            services.close_campaign(campaign, actor=request.user)
            messages.success(request, "自己点検を終了しました。")
        elif operation == "remind":
            count = services.send_campaign_reminders(campaign, actor=request.user)
            messages.success(request, f"未提出の{count}件の回答者に督促メールを送りました。")
        else:
            messages.error(request, "操作が正しくありません。")
    except InspectionError as exc:
        messages.error(request, exc.message)
    return redirect(campaign)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspections.review_sheets")
    scope = scope_filter(request.user, "inspections.review_sheets")
    person = person_of(request.user)
    sheets = (
        AnswerSheet.objects.filter(scope, status=AnswerSheet.Status.SUBMITTED)
        .exclude(person=person)
        .select_related("campaign", "person", "unit", "system")
    )
    return render(request, "inspections/review_queue.html", {"sheets": sheets})
