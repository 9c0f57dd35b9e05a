"""Classification schemes, their levels and handling restrictions, the mapping, and zones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mamori.assets import services
from mamori.assets.access import MANAGE_SCHEMES, VIEW
from mamori.assets.forms import LevelForm, SchemeForm, ZoneForm
from mamori.assets.models import (
    Asset,
    Axis,
    ClassificationScheme,
    HandlingRule,
    Level,
    LevelMapping,
    LifeCycleStep,
    Zone,
)
from mamori.core.permissions import can


def _require(user: object, action: str) -> None:
    if not can(user, action):
        raise Http404


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, VIEW)
    return render(
        request,
        "assets/scheme_list.html",
        {
            "schemes": ClassificationScheme.objects.prefetch_related("levels"),
            "zones": Zone.objects.all(),
            "can_manage": can(request.user, MANAGE_SCHEMES),
        },
    )


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, VIEW)
    scheme = get_object_or_404(ClassificationScheme, pk=pk)
    levels = list(
        Level.objects.filter(scheme=scheme).prefetch_related("rules", "questions").order_by("axis", "-rank")
    )
    texts = {(r.level_id, r.step): r.text for r in HandlingRule.objects.filter(level__scheme=scheme)}
    axes = []
    for axis in Axis:
        axis_levels = [lv for lv in levels if lv.axis == axis.value]
        matrix = [
            {"step": step.label, "texts": [texts.get((lv.pk, step.value), "") for lv in axis_levels]}
            for step in LifeCycleStep
        ]
        axes.append({"axis": axis, "levels": axis_levels, "matrix": matrix})
    mappings = LevelMapping.objects.filter(source__scheme=scheme).select_related(
        "source", "target", "target__scheme"
    )
    in_use = Asset.objects.filter(confidentiality__scheme=scheme).count()
    return render(
        request,
        "assets/scheme_detail.html",
        {
            "scheme": scheme,
            "axes": axes,
            "mappings": mappings,
            "in_use": in_use,
            "can_manage": can(request.user, MANAGE_SCHEMES),
            "form": SchemeForm(instance=scheme),
        },
    )


@login_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, MANAGE_SCHEMES)
    scheme = get_object_or_404(ClassificationScheme, pk=pk)
    form = SchemeForm(request.POST or None, instance=ClassificationScheme.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        services.update_scheme(scheme, actor=request.user, values=form.cleaned_data)
        messages.success(request, "分類基準を更新しました。")
        return redirect(scheme)
    return render(request, "assets/scheme_form.html", {"form": form, "scheme": scheme})


@login_required
def level_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, MANAGE_SCHEMES)
    level = get_object_or_404(Level.objects.select_related("scheme"), pk=pk)
    form = LevelForm(request.POST or None, instance=Level.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        services.update_level(level, actor=request.user, values=form.cleaned_data, rules=form.rules())
        messages.success(request, f"「{level.label}」の定義と取扱制限を更新しました。")
        return redirect(level.scheme)
    return render(request, "assets/level_form.html", {"form": form, "level": level})


@login_required
@require_POST
def scheme_migrate(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, MANAGE_SCHEMES)
    target = get_object_or_404(ClassificationScheme, pk=pk)
    try:
        moved = services.migrate_register(actor=request.user, target=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"「{target.name}」に移行しました（{moved}件の情報資産の分類を対応表で置き換えました）。"
        )
    return redirect(target)


@login_required
def zone_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(request.user, MANAGE_SCHEMES)
    zone = get_object_or_404(Zone, pk=pk) if pk else None
    form = ZoneForm(request.POST or None, instance=Zone.objects.get(pk=pk) if pk else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_zone(zone, actor=request.user, values=form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "ゾーンを保存しました。")
            return redirect("assets:scheme_list")
    return render(request, "assets/zone_form.html", {"form": form, "zone": zone})
