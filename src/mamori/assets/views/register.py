"""The asset list, an asset's page, adding and changing assets, the guided classification and the label."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mamori.assets import consistency, guided, services
from mamori.assets.access import MANAGE, VIEW, get_asset_for, manageable_units, visible_assets
from mamori.assets.forms import SORTS, AssetForm, BulkForm, DecideForm, FilterForm, GuidedForm
from mamori.assets.models import Asset, Axis, ClassificationDecision, HandlingRule, LifeCycleStep
from mamori.core.models import Unit
from mamori.core.permissions import can, filter_visible

PAGE_SIZE = 50


def filter_assets(assets: QuerySet[Asset], form: FilterForm) -> QuerySet[Asset]:
    """Apply the list's filters and sort order to ``assets`` (the form must be valid)."""
    data = form.cleaned_data
    if data.get("q"):
        assets = assets.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
    if data.get("unit"):
        assets = assets.filter(unit__path__startswith=data["unit"].path)
    if data.get("kind"):
        assets = assets.filter(kind=data["kind"])
    if data.get("zone"):
        # An uncorrelated IN (...) is evaluated once; a correlated EXISTS would run per asset.
        on_system = Asset.systems.through.objects.filter(system__zone=data["zone"]).values("asset_id")
        assets = assets.filter(Q(zone=data["zone"]) | Q(pk__in=on_system))
    if data.get("level"):
        assets = assets.filter(confidentiality=data["level"])
    personal = data.get("personal")
    if personal == "personal":
        assets = assets.filter(has_personal_data=True)
    elif personal == "sensitive":
        assets = assets.filter(has_sensitive_personal_data=True)
    elif personal == "my_number":
        assets = assets.filter(has_my_number=True)
    elif personal == "none":
        assets = assets.filter(
            has_personal_data=False, has_sensitive_personal_data=False, has_my_number=False
        )
    finding = data.get("finding")
    if finding == "any":
        assets = assets.filter(finding_count__gt=0)
    elif finding == "none":
        assets = assets.filter(finding_count=0)
    elif finding:
        assets = assets.filter(finding_codes__contains=f",{finding},")
    return assets.order_by(*SORTS.get(data.get("sort") or "code", SORTS["code"])[0])


def list_page(user: object, params: object, page_number: str | int | None = 1) -> dict[str, object]:
    """Return the context of the filtered, sorted, paginated list of what ``user`` may read."""
    form = FilterForm(params or None, units=Unit.objects.filter(is_active=True))
    assets = visible_assets(user)
    assets = filter_assets(assets, form) if form.is_valid() else assets.order_by("code")
    assets = assets.select_related("unit", "owner", "confidentiality", "integrity", "availability")
    page = Paginator(assets, PAGE_SIZE).get_page(page_number)
    return {"form": form, "page": page}


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW):
        raise Http404
    context = list_page(request.user, request.GET, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "query": query.urlencode(),
            "can_manage": can(request.user, MANAGE),
            "bulk_form": BulkForm(assets=Asset.objects.none()),
            "rules": consistency.RULES,
        }
    )
    return render(request, "assets/asset_list.html", context)


def handling_table(asset: Asset) -> list[dict[str, object]]:
    """Return, per life-cycle step, what staff must do under each of the asset's levels."""
    levels = asset.levels()
    texts: dict[tuple[int, str], str] = {
        (r.level_id, r.step): r.text for r in HandlingRule.objects.filter(level__in=levels) if r.text
    }
    rows: list[dict[str, object]] = []
    for step in LifeCycleStep:
        items = [
            (level, texts[(level.pk, step.value)]) for level in levels if (level.pk, step.value) in texts
        ]
        rows.append({"step": step.label, "items": items})
    return rows


@login_required
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_asset_for(request.user, pk)
    return render(
        request,
        "assets/asset_detail.html",
        {
            "asset": asset,
            "findings": consistency.findings_of_asset(asset),
            "handling": handling_table(asset),
            "decisions": asset.decisions.select_related(
                "decided_by", "confidentiality", "integrity", "availability"
            )[:10],
            "can_manage": can(request.user, MANAGE, asset),
        },
    )


def _save(request: HttpRequest, form: AssetForm, asset: Asset | None) -> Asset | None:
    data = form.cleaned_data
    values = {k: data[k] for k in form.Meta.fields if k not in ("systems", "sections")}
    values.update({axis.value: data[axis.value] for axis in Axis})
    try:
        return services.save_asset(
            asset,
            actor=request.user,
            values=values,
            systems=list(data["systems"]),
            sections=list(data["sections"]),
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
    except PermissionDenied as exc:
        form.add_error("unit", str(exc))
    return None


@login_required
def asset_create(request: HttpRequest) -> HttpResponse:
    if not manageable_units(request.user).exists():
        raise Http404
    form = AssetForm(request.POST or None, user=request.user, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        asset = _save(request, form, None)
        if asset is not None:
            messages.success(request, f"「{asset.name}」を登録しました。")
            return redirect(asset)
    return render(request, "assets/asset_form.html", {"form": form, "asset": None})


@login_required
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_asset_for(request.user, pk, MANAGE)
    form = AssetForm(request.POST or None, instance=asset, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, Asset.objects.get(pk=asset.pk))
        if saved is not None:
            messages.success(request, f"「{saved.name}」を更新しました。")
            return redirect(saved)
    return render(request, "assets/asset_form.html", {"form": form, "asset": asset})


@login_required
def asset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_asset_for(request.user, pk, MANAGE)
    if request.method == "POST":
        services.delete_asset(asset, actor=request.user)
        messages.success(request, f"「{asset.name}」を台帳から削除しました。")
        return redirect("assets:asset_list")
    return render(request, "assets/asset_delete.html", {"asset": asset})


@login_required
def asset_classify(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the questions, show the proposal, and record the decision (three steps, no JavaScript needed)."""
    asset = get_asset_for(request.user, pk, MANAGE)
    scheme = services.active_scheme()
    if scheme is None:
        raise Http404
    grouped = guided.questions_by_axis(scheme)
    questions = [q for axis in Axis for q in grouped[axis]]
    guided_form = GuidedForm(request.POST if request.method == "POST" else None, questions=questions)
    proposals = None
    decide_form = None
    if request.method == "POST" and guided_form.is_valid():
        answers = guided_form.answers()
        proposals = guided.propose(scheme, answers)
        initial = {p.axis.value: p.level.pk for p in proposals}
        if "decide" in request.POST:
            decide_form = DecideForm(request.POST)
            if decide_form.is_valid():
                data = decide_form.cleaned_data
                services.classify(
                    asset,
                    actor=request.user,
                    confidentiality=data["confidentiality"],
                    integrity=data["integrity"],
                    availability=data["availability"],
                    reason=data["reason"],
                    answers={q.text: answers.get(q.pk, False) for q in questions},
                    method=ClassificationDecision.Method.GUIDED,
                )
                messages.success(request, f"「{asset.name}」の分類を決定しました。")
                return redirect(asset)
        else:
            decide_form = DecideForm(initial=initial)
    return render(
        request,
        "assets/asset_classify.html",
        {
            "asset": asset,
            "scheme": scheme,
            "guided_form": guided_form,
            "axes": [(axis, [guided_form[f"q{q.pk}"] for q in grouped[axis]]) for axis in Axis],
            "proposals": proposals,
            "decide_form": decide_form,
        },
    )


@login_required
def asset_label(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_asset_for(request.user, pk)
    return render(request, "assets/asset_label.html", {"asset": asset, "copies": range(4)})


@login_required
@require_POST
def bulk_reclassify(request: HttpRequest) -> HttpResponse:
    assets = filter_visible(Asset.objects.all(), request.user, MANAGE)
    form = BulkForm(request.POST, assets=assets)
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = services.bulk_reclassify(
                data["assets"],
                actor=request.user,
                reason=data["reason"],
                confidentiality=data["confidentiality"],
                integrity=data["integrity"],
                availability=data["availability"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{count}件の分類を変更しました。")
    else:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, "一括変更できませんでした: " + " ".join(problems))
    next_url = request.POST.get("next", "")
    # Only a path inside the register: never an arbitrary (open) redirect.
    if not next_url.startswith("/assets/") or next_url.startswith("//"):
        next_url = reverse("assets:asset_list")
    return redirect(next_url)
