"""The home dashboard and the health check."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from mamori import __version__
from mamori.core.japanese_calendar import fiscal_year, fiscal_year_label
from mamori.core.models import Body, Person, RoleAssignment, Unit
from mamori.core.permissions import can, person_of


@dataclass(frozen=True)
class DashboardTask:
    """One thing the user has to do, shown on the home page."""

    title: str
    url: str
    due: str = ""
    kind: str = ""


# Apps contribute the current user's tasks: each entry is a callable(user) -> list[DashboardTask].
TASK_SOURCES: list[object] = []


def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 with {"status": "ok"} when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor, "version": __version__})


def _org_summary() -> list[dict[str, object]]:
    bodies = Body.objects.order_by("order", "id").annotate(
        n_units=Count("units", filter=Q(units__is_active=True), distinct=True),
    )
    people = dict(
        Person.objects.filter(is_active=True).values_list("unit__body").annotate(n=Count("id")).order_by()
    )
    return [{"body": b, "units": b.n_units, "people": people.get(b.pk, 0)} for b in bodies]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    tasks: list[DashboardTask] = []
    for source in TASK_SOURCES:
        tasks.extend(source(request.user))  # type: ignore[operator]
    person = person_of(request.user)
    roles = (
        RoleAssignment.objects.current().filter(person=person).select_related("role", "unit")  # type: ignore[misc]
        if person is not None
        else RoleAssignment.objects.none()
    )
    summary = _org_summary()
    max_people = max((int(str(row["people"])) for row in summary), default=0) or 1
    return render(
        request,
        "web/dashboard.html",
        {
            "today": today,
            "fiscal_year": fiscal_year_label(fiscal_year(today)),
            "tasks": tasks,
            "person": person,
            "roles": roles,
            "summary": summary,
            "max_people": max_people,
            "unit_count": Unit.objects.filter(is_active=True).count(),
            "can_view_org": can(request.user, "core.view_organisation"),
        },
    )
