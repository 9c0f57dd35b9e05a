"""The audit-log screen for administrators and auditors."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mamori.core.models import AuditEntry
from mamori.core.permissions import can


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作者", required=False)
    object_type = forms.CharField(label="対象の種類", required=False)
    object_id = forms.CharField(label="対象ID", required=False)
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "すべて"), *AuditEntry.Action.choices]
    )
    date_from = forms.DateField(
        label="開始日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="終了日", required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "core.view_audit_log"):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor").order_by("-seq")
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        if data["object_type"]:
            entries = entries.filter(object_type__icontains=data["object_type"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["date_from"]:
            entries = entries.filter(at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
