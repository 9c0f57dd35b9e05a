"""Review input (見直しの材料): per 対策基準 section, its scores, findings and open actions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mamori.core.japanese_calendar import fiscal_year_label
from mamori.inspections import charts
from mamori.inspections.review import section_evidence
from mamori.inspections.views._common import require
from mamori.policies.models import StandardSection


@login_required
def review_index(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspections.view_review_input")
    rows = [
        (s, section_evidence(s.code))
        for s in StandardSection.objects.filter(is_active=True).order_by("order", "code")
    ]
    return render(request, "inspections/review_index.html", {"rows": rows})


@login_required
def review_section(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "inspections.view_review_input")
    try:
        evidence = section_evidence(code)
    except StandardSection.DoesNotExist:
        raise Http404 from None
    chart = charts.trend_chart(
        f"{evidence.section_code} {evidence.section_title} の実施率の推移",
        [(fiscal_year_label(s.fiscal_year), s.score) for s in evidence.scores],
    )
    return render(request, "inspections/review_section.html", {"evidence": evidence, "chart": chart})
