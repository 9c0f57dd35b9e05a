"""Policy documents and the 対策基準 section tree.

Glossary: 基本方針 → basic policy; 対策基準 → standard; 実施手順 → procedure; 対策基準の節 → StandardSection
(a stable code such as ``3.2`` that other registers link to); ガイドライン版 → guideline_version.
"""

from __future__ import annotations

from django.db import models


class StandardSection(models.Model):
    """A section of the 対策基準 tree, keyed by a stable code (``3.2``) that other registers link to."""

    code = models.CharField("節番号", max_length=20, unique=True)
    title = models.CharField("見出し", max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name="上位の節",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveIntegerField("表示順", default=0)
    guideline_version = models.CharField("ガイドライン版", max_length=20, blank=True)
    is_active = models.BooleanField("有効", default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "対策基準の節"
        verbose_name_plural = "対策基準の節"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
