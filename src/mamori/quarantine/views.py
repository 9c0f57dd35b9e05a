"""Pages of the quarantine: search, message detail, release requests and decisions, PPAP, dashboard."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from mamori.core import audit
from mamori.core.permissions import can
from mamori.quarantine import release as release_service
from mamori.quarantine.access import (
    can_decide,
    get_message_for,
    get_release_for,
    own_recipient,
    visible_messages,
    visible_releases,
)
from mamori.quarantine.charts import Series, stacked_bars
from mamori.quarantine.forms import DecisionForm, ReleaseForm, SearchForm, UnlockForm
from mamori.quarantine.metrics import render_metrics
from mamori.quarantine.models import ACTION_LABELS, QuarantinedMessage, ReleaseRequest
from mamori.quarantine.retention import set_legal_hold
from mamori.quarantine.unlock import remaining_attempts, unlock


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    found = visible_messages(request.user).prefetch_related("recipients")
    if form.is_valid():
        data = form.cleaned_data
        if data["sender"]:
            found = found.filter(envelope_from__icontains=data["sender"]) | found.filter(
                from_header__icontains=data["sender"]
            )
        if data["recipient"]:
            found = found.filter(recipients__address__icontains=data["recipient"].lower()).distinct()
        if data["subject"]:
            found = found.filter(subject__icontains=data["subject"])
        if data["date_from"]:
            found = found.filter(received_at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            found = found.filter(received_at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
        if data["verdict"]:
            found = (
                found.filter(verdict=data["verdict"])
                if data["verdict"] != "held"
                else found.filter(has_held=True)
            )
        if data["action"]:
            found = found.filter(action_tokens__contains=f" {data['action']} ")
    page = Paginator(found.order_by("-received_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quarantine/message_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_operate": can(request.user, "quarantine.operate"),
        },
    )


def _release_form(message: QuarantinedMessage, data: object = None) -> ReleaseForm:
    targets = [
        (str(a.pk), f"{a.filename}（{a.get_verdict_label()}）")
        for a in message.attachments.all()
        if a.verdict != "held"
    ]
    targets.append(("original", "原本全体（すべての添付ファイル）"))
    return ReleaseForm(data, targets=targets, actions=release_service.available_actions())  # type: ignore[arg-type]


@login_required
def message_detail(request: HttpRequest, reference: str) -> HttpResponse:
    message = get_message_for(request.user, reference)
    audit.record_read(message, detail="隔離メールの詳細（無害化レポート）を閲覧")
    recipient = own_recipient(request.user, message)
    attachments = list(message.attachments.all())
    for attachment in attachments:
        attachment.remaining = remaining_attempts(attachment)  # type: ignore[attr-defined]
    return render(
        request,
        "quarantine/message_detail.html",
        {
            "message": message,
            "attachments": attachments,
            "recipients": message.recipients.select_related("person", "unit"),
            "is_recipient": recipient is not None,
            "release_form": _release_form(message)
            if recipient is not None and not message.is_purged
            else None,
            "releases": visible_releases(request.user).filter(message=message),
            "can_operate": can(request.user, "quarantine.operate"),
            "report": message.report,
        },
    )


@login_required
@require_POST
def request_release(request: HttpRequest, reference: str) -> HttpResponse:
    message = get_message_for(request.user, reference)
    form = _release_form(message, request.POST)
    if not form.is_valid():
        flash.error(request, "入力内容を確認してください（理由は必須です）。")
        return redirect(message.get_absolute_url())
    target = form.cleaned_data["target"]
    attachment = None if target == "original" else message.attachments.filter(pk=int(target)).first()
    try:
        created = release_service.request_release(
            actor=request.user,
            message=message,
            attachment=attachment,
            reason=form.cleaned_data["reason"],
            action=form.cleaned_data["action"],
        )
    except release_service.ReleaseError as exc:
        flash.error(request, exc.message)
        return redirect(message.get_absolute_url())
    if created.auto_approved:
        flash.success(
            request, "自動承認ルールにより承認されました。取り出したファイルをメールでお送りします。"
        )
    else:
        flash.success(request, "取出しを申請しました。承認されるとメールでお知らせします。")
    return redirect(created.get_absolute_url())


@login_required
@require_POST
def unlock_attachment(request: HttpRequest, reference: str) -> HttpResponse:
    message = get_message_for(request.user, reference)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        flash.error(request, "パスワードを入力してください。")
        return redirect(message.get_absolute_url())
    attachment = message.attachments.filter(pk=form.cleaned_data["attachment"]).first()
    if attachment is None:
        raise Http404
    outcome = unlock(
        actor=request.user, message=message, attachment=attachment, password=form.cleaned_data["password"]
    )
    (flash.success if outcome.ok else flash.error)(request, outcome.message)
    return redirect(message.get_absolute_url())


@login_required
@require_POST
def legal_hold(request: HttpRequest, reference: str) -> HttpResponse:
    message = get_message_for(request.user, reference)
    if not can(request.user, "quarantine.operate"):
        raise Http404
    hold = request.POST.get("hold") == "1"
    set_legal_hold(actor=request.user, message=message, hold=hold)
    flash.success(request, "保全を設定しました。" if hold else "保全を解除しました。")
    return redirect(message.get_absolute_url())


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an approved original (only where the internet-zone setting allows downloads)."""
    from mamori.gateway.unpack import UnpackError, extract_attachment
    from mamori.gateway.vault import VaultError

    release = get_release_for(request.user, pk)
    if (
        not settings.MAMORI_QUARANTINE_ALLOW_DOWNLOAD
        or release.action != ReleaseRequest.Action.DOWNLOAD
        or release.status != ReleaseRequest.Status.RELEASED
        or release.requested_by_id != request.user.pk
    ):
        raise Http404
    try:
        original = release_service.vault().get(release.message.original_address)  # type: ignore[attr-defined]
        if release.attachment is None:
            data, name = original, f"{release.message.reference}.eml"
        else:
            data, name = extract_attachment(original, release.attachment.sha256), release.attachment.filename
    except (VaultError, UnpackError) as exc:
        raise Http404 from exc
    audit.record_read(release.message, detail=f"原本のダウンロード: {name}")
    response = HttpResponse(data, content_type="application/octet-stream")
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def release_list(request: HttpRequest) -> HttpResponse:
    releases = visible_releases(request.user)
    pending = [
        r for r in releases.filter(status=ReleaseRequest.Status.PENDING) if can_decide(request.user, r)
    ]
    mine = releases.filter(requested_by=request.user)[:100]  # type: ignore[misc]  # login_required
    return render(request, "quarantine/release_list.html", {"pending": pending, "mine": mine})


@login_required
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = get_release_for(request.user, pk)
    may_decide = can_decide(request.user, release) and release.status == ReleaseRequest.Status.PENDING
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_decide:
            raise Http404
        if form.is_valid():
            try:
                release_service.decide(
                    actor=request.user,
                    release=release,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
            except release_service.ReleaseError as exc:
                flash.error(request, exc.message)
            else:
                flash.success(request, "判断を記録しました。")
            return redirect(release.get_absolute_url())
    return render(
        request,
        "quarantine/release_detail.html",
        {
            "release": release,
            "form": form if may_decide else None,
            "can_download": settings.MAMORI_QUARANTINE_ALLOW_DOWNLOAD
            and release.action == ReleaseRequest.Action.DOWNLOAD
            and release.status == ReleaseRequest.Status.RELEASED
            and release.requested_by_id == request.user.pk,
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "quarantine.operate"):
        raise Http404
    days = 14
    today = timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    recent = QuarantinedMessage.objects.filter(received_at__gte=_day_start(first))
    by_day_verdict: Counter[tuple[dt.date, str]] = Counter()
    for row in (
        recent.annotate(day=TruncDate("received_at"))
        .values("day", "verdict")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_day_verdict[(row["day"], row["verdict"] or "held")] += row["n"]
    actions_by_day: Counter[tuple[dt.date, str]] = Counter()
    for day, actions in recent.annotate(day=TruncDate("received_at")).values_list("day", "actions"):
        for action in actions or []:
            actions_by_day[(day, str(action))] += 1
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    labels = [f"{d.month}/{d.day}" for d in dates]
    verdict_names = {"converted": "変換", "cleaned": "無害化", "removed": "削除", "held": "保留"}
    volume = stacked_bars(
        "日別の受信件数（判定別）",
        labels,
        [Series(name, tuple(by_day_verdict[(d, key)] for d in dates)) for key, name in verdict_names.items()],
    )
    action_names = sorted({a for _, a in actions_by_day})
    actions_chart = stacked_bars(
        "日別の無害化処理の件数",
        labels,
        [Series(ACTION_LABELS.get(a, a), tuple(actions_by_day[(d, a)] for d in dates)) for a in action_names],
    )
    totals = recent.aggregate(n=Count("pk"))
    return render(
        request,
        "quarantine/dashboard.html",
        {
            "volume_chart": mark_safe(volume),  # noqa: S308 - built from numbers and escaped labels
            "actions_chart": mark_safe(actions_chart),  # noqa: S308
            "total": totals["n"],
            "pending_releases": ReleaseRequest.objects.filter(status=ReleaseRequest.Status.PENDING).count(),
            "days": days,
        },
    )


def metrics(request: HttpRequest) -> HttpResponse:
    """Serve Prometheus metrics to the addresses in MAMORI_METRICS_ALLOWED_IPS (404 to others)."""
    if request.META.get("REMOTE_ADDR", "") not in settings.MAMORI_METRICS_ALLOWED_IPS:
        raise Http404
    return HttpResponse(render_metrics(), content_type="text/plain; version=0.0.4; charset=utf-8")
