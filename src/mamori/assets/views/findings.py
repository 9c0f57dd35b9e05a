"""The findings page: every consistency problem the user may see, with its rule and its fix."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mamori.assets import consistency
from mamori.assets.access import MANAGE_SCHEMES, VIEW, visible_assets
from mamori.assets.models import System
from mamori.core import audit
from mamori.core.permissions import can, filter_visible


@login_required
def findings(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW):
        raise Http404
    rule = request.GET.get("rule", "")
    assets = visible_assets(request.user).filter(finding_count__gt=0)
    systems = filter_visible(System.objects.exclude(finding_codes=""), request.user, VIEW)
    if rule in consistency.RULES:
        assets = assets.filter(finding_codes__contains=f",{rule},")
        systems = systems.filter(finding_codes__contains=f",{rule},")  # type: ignore[attr-defined]
    page = Paginator(
        assets.select_related("unit", "owner", "zone", "confidentiality")
        .prefetch_related("systems__zone")
        .order_by("code"),
        100,
    ).get_page(request.GET.get("page"))
    rows = [f for a in page for f in consistency.findings_of_asset(a)]
    rows = [f for s in systems.select_related("unit") for f in consistency.findings_of_system(s)] + rows  # type: ignore[attr-defined]
    if rule in consistency.RULES:
        rows = [f for f in rows if f.rule.code == rule]
    return render(
        request,
        "assets/findings.html",
        {
            "rows": rows,
            "page": page,
            "rule": rule,
            "rules": consistency.RULES.values(),
            "can_run": can(request.user, MANAGE_SCHEMES),
        },
    )


@login_required
@require_POST
def run_checks(request: HttpRequest) -> HttpResponse:
    if not can(request.user, MANAGE_SCHEMES):
        raise Http404
    consistency.check_all()
    audit.record("other", object_type="assets.asset", object_repr="整合性チェックの実行")
    messages.success(request, "台帳全体の整合性チェックを実行しました。")
    return redirect("assets:findings")
