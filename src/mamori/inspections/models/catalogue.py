"""The checklist catalogue: items keyed to 対策基準 sections, in versions that follow guideline versions."""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class RespondentType(models.TextChoices):
    """Who answers an item (domain/municipal-policy.md §7)."""

    STAFF = "staff", "全職員"
    UNIT = "unit", "情報セキュリティ管理者（課室）"
    SYSTEM = "system", "情報システム管理者（システム）"


class CatalogueVersion(models.Model):
    """A version of the catalogue, named after the guideline version it follows."""

    guideline_version = models.CharField("ガイドライン版", max_length=20, unique=True)
    title = models.CharField("名称", max_length=100)
    notes = models.TextField("改訂の概要", blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    is_current = models.BooleanField("現行版", default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "点検項目の版"
        verbose_name_plural = "点検項目の版"

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    """One self-inspection question, keyed to a 対策基準 section by its stable code."""

    code = models.CharField("項目番号", max_length=30, unique=True)
    section = models.ForeignKey(
        "policies.StandardSection",
        verbose_name="対策基準の節",
        on_delete=models.PROTECT,
        related_name="checklist_items",
    )
    respondent_type = models.CharField("回答者", max_length=10, choices=RespondentType.choices)
    question = models.TextField("点検内容")
    guidance = models.TextField("解説", blank=True)
    requires_evidence = models.BooleanField("証跡の添付が必要", default=False)
    is_priority = models.BooleanField("重点項目", default=False)
    is_active = models.BooleanField("使用中", default=True)
    is_local = models.BooleanField("本市独自の項目", default=False)
    version = models.ForeignKey(
        CatalogueVersion,
        verbose_name="最終改訂版",
        on_delete=models.PROTECT,
        related_name="items",
    )
    retired_in = models.ForeignKey(
        CatalogueVersion,
        verbose_name="廃止した版",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retired_items",
    )
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "点検項目"
        verbose_name_plural = "点検項目"

    def __str__(self) -> str:
        return f"{self.code} {self.question[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:item_edit", args=[self.pk])
