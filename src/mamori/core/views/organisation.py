"""The organisation at a glance: bodies, the unit tree, units and people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from mamori.core.models import Body, Person, RoleAssignment, Unit
from mamori.core.permissions import can, filter_visible


def _require(user: object, action: str, obj: object | None = None) -> None:
    # 404 rather than 403: people who may not see a thing do not learn that it exists.
    if not can(user, action, obj):
        raise Http404


def build_tree(units: Sequence[Unit]) -> dict[int | None, list[Unit]]:
    """Return children by parent id for a list of units already ordered by path."""
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: (u.order, u.name))
    return children


@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    _require(request.user, "core.view_organisation")
    units = list(
        Unit.objects.filter(is_active=True)
        .annotate(n_people=Count("people", filter=Q(people__is_active=True)))
        .select_related("body")
    )
    children = build_tree(units)
    bodies = []
    for body in Body.objects.all():
        roots = [u for u in children.get(None, []) if u.body_id == body.pk]
        bodies.append({"body": body, "roots": roots})
    staff_counts = dict(
        Person.objects.filter(is_active=True).values_list("staff_type").annotate(n=Count("id")).order_by()
    )
    return render(
        request,
        "core/organisation.html",
        {
            "bodies": bodies,
            "children": children,
            "staff_counts": [
                (label, staff_counts.get(value, 0)) for value, label in Person.StaffType.choices
            ],
            "total_people": sum(staff_counts.values()),
            "can_manage": can(request.user, "core.manage_organisation"),
        },
    )


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("body", "parent"), pk=pk)
    _require(request.user, "core.view_organisation", unit)
    people = (
        filter_visible(Person.objects.filter(unit=unit, is_active=True), request.user, "core.view_person")
        if can(request.user, "core.view_person", unit)
        else Person.objects.none()
    )
    assignments = RoleAssignment.objects.current().filter(unit__path__startswith=unit.path).select_related(
        "person", "role", "unit"
    ) | RoleAssignment.objects.current().filter(unit__isnull=True, person__unit=unit).select_related(
        "person", "role", "unit"
    )
    return render(
        request,
        "core/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit.ancestors(),
            "sub_units": unit.children.filter(is_active=True),
            "people": people,
            "assignments": assignments.distinct(),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("unit", "unit__body", "user"), pk=pk)
    _require(request.user, "core.view_person", person)
    return render(
        request,
        "core/person_detail.html",
        {
            "person": person,
            "assignments": person.assignments.select_related("role", "unit").order_by("-starts_on"),
        },
    )
