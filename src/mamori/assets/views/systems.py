"""Information systems: the catalogue with zones, a system's page, adding and changing systems."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mamori.assets import consistency, services
from mamori.assets.access import MANAGE, VIEW_SYSTEMS, get_system_for, manageable_units, visible_assets
from mamori.assets.forms import SystemForm
from mamori.assets.models import System, Zone
from mamori.core.permissions import can
from mamori.network.services import network_profiles_of


@login_required
def system_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW_SYSTEMS):
        raise Http404
    systems = System.objects.select_related("unit", "zone", "manager").annotate(n_assets=Count("assets"))
    zones = [(zone, [s for s in systems if s.zone_id == zone.pk]) for zone in Zone.objects.all()]
    no_zone = [s for s in systems if s.zone_id is None]
    return render(
        request,
        "assets/system_list.html",
        {"zones": zones, "no_zone": no_zone, "can_create": manageable_units(request.user).exists()},
    )


@login_required
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_system_for(request.user, pk)
    return render(
        request,
        "assets/system_detail.html",
        {
            "system": system,
            "findings": consistency.findings_of_system(system),
            "assets": visible_assets(request.user)
            .filter(systems=system)
            .select_related("confidentiality", "unit"),
            "can_manage": can(request.user, MANAGE, system),
            # Addresses and verdicts are network data: shown only to those the network app lets see them.
            "network": network_profiles_of(system) if can(request.user, "network.view") else None,
        },
    )


def _save(request: HttpRequest, form: SystemForm, system: System | None) -> System | None:
    try:
        return services.save_system(system, actor=request.user, values=form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
    except PermissionDenied as exc:
        form.add_error("unit", str(exc))
    return None


@login_required
def system_create(request: HttpRequest) -> HttpResponse:
    if not manageable_units(request.user).exists():
        raise Http404
    form = SystemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        system = _save(request, form, None)
        if system is not None:
            messages.success(request, f"情報システム「{system.name}」を登録しました。")
            return redirect(system)
    return render(request, "assets/system_form.html", {"form": form, "system": None})


@login_required
def system_edit(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_system_for(request.user, pk, MANAGE)
    form = SystemForm(request.POST or None, instance=system, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, System.objects.get(pk=system.pk))
        if saved is not None:
            messages.success(request, f"情報システム「{saved.name}」を更新しました。")
            return redirect(saved)
    return render(request, "assets/system_form.html", {"form": form, "system": system})
