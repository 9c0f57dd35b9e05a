"""Findings from self-inspections and audits, and the corrective actions that close them."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone


class Finding(models.Model):
    """A shortcoming found by a self-inspection answer or by an audit."""

    class Source(models.TextChoices):
        SELF_INSPECTION = "self_inspection", "自己点検"
        AUDIT = "audit", "監査"

    class Severity(models.TextChoices):
        HIGH = "high", "重大"
        MEDIUM = "medium", "中程度"
        LOW = "low", "軽微"
        OBSERVATION = "observation", "改善提案"

    class Status(models.TextChoices):
        OPEN = "open", "対応中"
        CLOSED = "closed", "完了"

    source = models.CharField("発見の経緯", max_length=20, choices=Source.choices)
    plan = models.ForeignKey(
        "inspections.AuditPlan",
        verbose_name="監査計画",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    answer = models.ForeignKey(
        "inspections.Answer",
        verbose_name="自己点検の回答",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    section = models.ForeignKey(
        "policies.StandardSection", verbose_name="対策基準の節", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("core.Unit", verbose_name="組織", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("指摘事項", max_length=200)
    description = models.TextField("内容", blank=True)
    severity = models.CharField("重要度", max_length=20, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(
        "core.Person", verbose_name="起票者", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField("起票日時", default=timezone.now)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = "指摘事項"
        verbose_name_plural = "指摘事項"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:finding_detail", args=[self.pk])

    def owning_unit(self) -> object:
        return self.unit


class CorrectiveAction(models.Model):
    """What will be done about a finding, by whom and by when, and who verified it."""

    class Status(models.TextChoices):
        PLANNED = "planned", "未着手"
        IN_PROGRESS = "in_progress", "対応中"
        COMPLETED = "completed", "完了報告済"
        VERIFIED = "verified", "確認済"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("是正措置の内容")
    owner = models.ForeignKey(
        "core.Person", verbose_name="担当者", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("期限")
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.PLANNED)
    completion_note = models.TextField("完了報告", blank=True)
    completed_at = models.DateTimeField("完了報告日時", null=True, blank=True)
    verified_by = models.ForeignKey(
        "core.Person",
        verbose_name="確認者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField("確認日時", null=True, blank=True)
    last_reminded_on = models.DateField("最終督促日", null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "是正措置"
        verbose_name_plural = "是正措置"

    def __str__(self) -> str:
        return self.description[:40]

    def get_absolute_url(self) -> str:
        return reverse("inspections:finding_detail", args=[self.finding_id])

    def owning_unit(self) -> object:
        return self.finding.unit

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.PLANNED, self.Status.IN_PROGRESS}

    def is_overdue(self, today: object | None = None) -> bool:
        day = today or timezone.localdate()
        return self.is_open and self.due_on < day  # type: ignore[operator]
