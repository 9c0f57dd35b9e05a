"""Audit plans per 年度, audit items with procedure and example evidence, auditors and fieldwork notes."""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class AuditItem(models.Model):
    """What an auditor checks for a 対策基準 section, how, and which evidence shows it."""

    code = models.CharField("監査項目番号", max_length=30, unique=True)
    section = models.ForeignKey(
        "policies.StandardSection", verbose_name="対策基準の節", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("監査項目", max_length=200)
    procedure = models.TextField("監査手続")
    example_evidence = models.TextField("証跡の例")
    is_priority = models.BooleanField("重点項目", default=False)
    is_active = models.BooleanField("使用中", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "監査項目"
        verbose_name_plural = "監査項目"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AuditPlan(models.Model):
    """The audit plan of one 年度: scope, audited units and systems, items, auditors and dates."""

    class Status(models.TextChoices):
        PLANNED = "planned", "計画"
        FIELDWORK = "fieldwork", "実施中"
        REPORTED = "reported", "報告済"

    fiscal_year = models.PositiveIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    scope = models.TextField("監査の範囲・目的")
    units = models.ManyToManyField("core.Unit", verbose_name="対象組織", related_name="+")
    register_systems = models.ManyToManyField(
        "assets.System", verbose_name="対象システム", blank=True, related_name="+"
    )
    # Only plans made before the link to the register: system names the register does not hold.
    systems = models.TextField("対象システム（台帳にない旧記録）", blank=True, help_text="1行に1システム")
    items = models.ManyToManyField(AuditItem, verbose_name="監査項目", related_name="plans", blank=True)
    starts_on = models.DateField("開始日")
    ends_on = models.DateField("終了日")
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        verbose_name = "監査計画"
        verbose_name_plural = "監査計画"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:audit_detail", args=[self.pk])

    def owning_unit(self) -> None:
        return None

    def system_list(self) -> list[str]:
        """Return the names of the audited systems: the register's, then any older free-text names."""
        names = [str(s) for s in self.register_systems.all()]
        return names + [line.strip() for line in self.systems.splitlines() if line.strip()]


class AuditorAssignment(models.Model):
    """An auditor assigned to audit one unit in a plan; never a unit the auditor belongs to."""

    plan = models.ForeignKey(AuditPlan, on_delete=models.CASCADE, related_name="assignments")
    auditor = models.ForeignKey(
        "core.Person", verbose_name="監査人", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "core.Unit", verbose_name="監査する組織", on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField("主任監査人", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "auditor", "unit"], name="auditor_unit_once")]
        verbose_name = "監査人の割当"
        verbose_name_plural = "監査人の割当"

    def __str__(self) -> str:
        return f"{self.auditor} → {self.unit}"

    def owning_unit(self) -> object:
        return self.unit


class FieldworkNote(models.Model):
    """A note taken during fieldwork at an audited unit."""

    plan = models.ForeignKey(AuditPlan, on_delete=models.CASCADE, related_name="notes")
    unit = models.ForeignKey("core.Unit", verbose_name="組織", on_delete=models.PROTECT, related_name="+")
    audit_item = models.ForeignKey(
        AuditItem, verbose_name="監査項目", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        "core.Person", verbose_name="記録者", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("内容")
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "実地調査メモ"
        verbose_name_plural = "実地調査メモ"

    def __str__(self) -> str:
        return self.text[:40]

    def owning_unit(self) -> object:
        return self.unit
