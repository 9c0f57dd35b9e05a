"""Pages of the network app: the zone model, device configurations and verification runs."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mamori.core.permissions import can
from mamori.network import diagram, services
from mamori.network.forms import FORMS, LABELS, MODELS, ConfigUploadForm, PlanForm, RunForm, YamlUploadForm
from mamori.network.model_yaml import plan_to_yaml
from mamori.network.models import (
    AllowedFlow,
    Device,
    DeviceConfig,
    NetworkPlan,
    NetworkSystem,
    Segment,
    VerificationRun,
    Zone,
)
from mamori.web.downloads import attachment


def _require(request: HttpRequest, action: str) -> None:
    if not can(request.user, action):
        raise Http404


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require(request, "network.view")
    latest = VerificationRun.objects.filter(status=VerificationRun.Status.DONE).first()
    systems = list(NetworkSystem.objects.select_related("zone", "register_system__zone"))
    return render(
        request,
        "network/overview.html",
        {
            "plan": NetworkPlan.current(),
            "zones": Zone.objects.all(),
            "segments": Segment.objects.select_related("zone"),
            "systems": systems,
            "mismatches": services.zone_mismatches(systems),
            "flows": AllowedFlow.objects.select_related("approver"),
            "devices": Device.objects.prefetch_related("configs"),
            "diagram": diagram.draw((latest.result or {}).get("violations", []) if latest else []),
            "latest": latest,
            "can_manage": can(request.user, "network.manage"),
            "can_run": can(request.user, "network.run"),
            "plan_form": PlanForm(instance=NetworkPlan.current()),
        },
    )


@login_required
def edit_record(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    _require(request, "network.manage")
    if kind not in FORMS:
        raise Http404
    instance = get_object_or_404(MODELS[kind], pk=pk) if pk else None
    form = FORMS[kind](request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_form(form, actor=request.user)
        messages.success(request, f"{LABELS[kind]}を保存しました。")
        return redirect("network:overview")
    return render(
        request,
        "network/edit.html",
        {"form": form, "label": LABELS[kind], "instance": instance, "kind": kind},
    )


@login_required
@require_POST
def delete_record(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    _require(request, "network.manage")
    if kind not in MODELS:
        raise Http404
    record = get_object_or_404(MODELS[kind], pk=pk)
    try:
        services.delete_record(record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{LABELS[kind]}「{record}」を削除しました。")
    return redirect("network:overview")


@login_required
@require_POST
def update_plan(request: HttpRequest) -> HttpResponse:
    _require(request, "network.manage")
    form = PlanForm(request.POST, instance=NetworkPlan.current())
    if form.is_valid():
        services.save_form(form, actor=request.user)
        messages.success(request, "ネットワークモデルを保存しました。")
    return redirect("network:overview")


@login_required
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "network.view")
    device = get_object_or_404(Device, pk=pk)
    form = ConfigUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        _require(request, "network.manage")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                config = services.upload_config(device, upload.read(), upload.name, actor=request.user)
            except ValidationError as exc:
                form.add_error("file", exc)
                status = 400
            else:
                messages.success(request, f"{device} の設定を第{config.version}版として登録しました。")
                return redirect("network:device_detail", pk=device.pk)
        else:
            status = 400
    return render(
        request,
        "network/device.html",
        {
            "device": device,
            "configs": device.configs.select_related("uploaded_by"),
            "form": form,
            "can_manage": can(request.user, "network.manage"),
        },
        status=status,
    )


@login_required
def config_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "network.view")
    config = get_object_or_404(DeviceConfig.objects.select_related("device"), pk=pk)
    lines = list(enumerate(config.text.splitlines(), start=1))
    return render(request, "network/config.html", {"config": config, "lines": lines})


@login_required
def model_yaml(request: HttpRequest) -> HttpResponse:
    _require(request, "network.view")
    if request.method == "POST":
        _require(request, "network.manage")
        form = YamlUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                counts = services.import_model_yaml(data.decode("utf-8-sig"), actor=request.user)
            except UnicodeDecodeError:
                form.add_error("file", "UTF-8 のテキストファイルではありません。")
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(
                    request,
                    "ゾーンモデルを取り込みました（ゾーン {zones}・セグメント {segments}・システム {systems}・"
                    "例外 {allowed_flows}・機器 {devices}）。".format(**counts),
                )
                return redirect("network:overview")
        return render(request, "network/yaml_upload.html", {"form": form}, status=400)
    if request.GET.get("upload") is not None:
        return render(request, "network/yaml_upload.html", {"form": YamlUploadForm()})
    return attachment(plan_to_yaml(), "MODEL.yaml", "application/yaml; charset=utf-8")


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    _require(request, "network.view")
    form = RunForm(request.POST or None)
    if request.method == "POST":
        _require(request, "network.run")
        if form.is_valid():
            try:
                run = services.start_verification(actor=request.user, as_of=form.cleaned_data["as_of"])
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, f"検証 #{run.pk} を開始しました。")
                return redirect(run)
    history = list(VerificationRun.objects.select_related("requested_by")[:50])
    return render(
        request,
        "network/runs.html",
        {
            "runs": history,
            "form": form,
            "can_run": can(request.user, "network.run"),
            "trend": _trend_svg(history),
        },
    )


def _trend_svg(history: list[VerificationRun]) -> list[dict[str, object]]:
    finished = [r for r in reversed(history) if r.status == VerificationRun.Status.DONE][-20:]
    peak = max([r.violation_count + r.possible_count for r in finished] + [1])
    return [
        {
            "run": r,
            "definite": round(120 * r.violation_count / peak),
            "possible": round(120 * r.possible_count / peak),
            "x": 40 + i * 30,
        }
        for i, r in enumerate(finished)
    ]


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "network.view")
    run = get_object_or_404(VerificationRun, pk=pk)
    previous = (
        VerificationRun.objects.filter(status=VerificationRun.Status.DONE, requested_at__lt=run.requested_at)
        .order_by("-requested_at")
        .first()
    )
    result = dict(run.result or {})
    zone_labels = {z["id"]: z["label"] for z in result.get("zones", [])}
    for key in ("expired_flows", "expiring_flows"):
        result[key] = [
            {**flow, "expires": dt.date.fromisoformat(flow["expires"])} for flow in result.get(key, [])
        ]
    if result.get("network_model"):
        result["network_model"] = NetworkPlan.NetworkModel(result["network_model"]).label
    return render(
        request,
        "network/run.html",
        {
            "run": run,
            "result": result,
            "previous": previous,
            "zone_labels": zone_labels,
            "changes": services.compare_runs(run, previous)
            if run.status == VerificationRun.Status.DONE
            else None,
            "diagram": diagram.draw(result.get("violations", []))
            if run.status == VerificationRun.Status.DONE
            else "",
        },
    )


@login_required
def run_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve the printable auditors' report the engine rendered (a standalone HTML page)."""
    _require(request, "network.view")
    run = get_object_or_404(VerificationRun, pk=pk, status=VerificationRun.Status.DONE)
    response = HttpResponse(run.report_html, content_type="text/html; charset=utf-8")
    # The report is self-contained with one <style> element: allow exactly that stylesheet by its hash.
    styles = re.findall(r"<style>(.*?)</style>", run.report_html, flags=re.DOTALL)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"
        for css in styles
    )
    style_src = hashes or "'none'"
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {style_src}; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    return response
