"""The information asset register (情報資産台帳), its classification schemes and consistency findings.

Glossary (Japanese term → identifier):
  情報資産 → Asset; 資産の種類 (a)〜(d) → Asset.Kind; 情報システム → System; 三層の対策のゾーン → Zone;
  マイナンバー利用事務系 / LGWAN接続系 / インターネット接続系 / 独立系 → Zone.Kind.MY_NUMBER / LGWAN /
  INTERNET / STANDALONE; 分類基準 → ClassificationScheme; 機密性/完全性/可用性 → Axis.CONFIDENTIALITY /
  INTEGRITY / AVAILABILITY; 分類の区分 → Level; 取扱制限 → HandlingRule; 作成/入手/利用/保管/送信/運搬/
  提供・公表/廃棄 → LifeCycleStep; 分類基準の対応表 → LevelMapping; 分類の決定 → ClassificationDecision;
  分類の質問 → ClassificationQuestion; 管理責任者 → owner; 所管課 → unit; 個人情報 → has_personal_data;
  要配慮個人情報 → has_sensitive_personal_data; 特定個人情報 → has_my_number; 保存期間 → retention;
  整合性の指摘 → finding (consistency.Finding); 再確認 → review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from mamori.core.models import Person, Unit


class Axis(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", "機密性"
    INTEGRITY = "integrity", "完全性"
    AVAILABILITY = "availability", "可用性"


class LifeCycleStep(models.TextChoices):
    CREATE = "create", "作成"
    OBTAIN = "obtain", "入手"
    USE = "use", "利用"
    STORE = "store", "保管"
    SEND = "send", "送信"
    CARRY = "carry", "運搬"
    PUBLISH = "publish", "提供・公表"
    DISPOSE = "dispose", "廃棄"


class Zone(models.Model):
    """A network zone of the three-zone model (or a zone the municipality defines itself)."""

    class Kind(models.TextChoices):
        MY_NUMBER = "my_number", "マイナンバー利用事務系"
        LGWAN = "lgwan", "LGWAN接続系"
        INTERNET = "internet", "インターネット接続系"
        STANDALONE = "standalone", "独立系"
        CUSTOM = "custom", "独自のゾーン"

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("種類", max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    description = models.TextField("説明", blank=True)
    # The consistency rules read these two flags, so a custom zone states its own answer.
    allows_my_number = models.BooleanField("特定個人情報を扱える", default=False)
    is_internet_facing = models.BooleanField("インターネットに接続する", default=False)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "ゾーン"
        verbose_name_plural = "ゾーン"

    def __str__(self) -> str:
        return self.name


class ClassificationScheme(models.Model):
    """A set of classification levels (分類基準) and the guideline edition it follows."""

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    guideline_version = models.CharField("ガイドライン版", max_length=20)
    description = models.TextField("説明", blank=True)
    is_active = models.BooleanField("使用中", default=False)
    review_years = models.PositiveSmallIntegerField(
        "再確認までの年数", default=3, help_text="分類の決定からこの年数を過ぎると再確認を求めます。"
    )

    class Meta:
        ordering = ["-is_active", "code"]
        verbose_name = "分類基準"
        verbose_name_plural = "分類基準"

    def __str__(self) -> str:
        return f"{self.name}（{self.guideline_version}）"

    def get_absolute_url(self) -> str:
        return reverse("assets:scheme_detail", args=[self.pk])


class Level(models.Model):
    """One level of one axis of a scheme, e.g. 自治体機密性3B, with its definition."""

    scheme = models.ForeignKey(
        ClassificationScheme, verbose_name="分類基準", on_delete=models.CASCADE, related_name="levels"
    )
    axis = models.CharField("観点", max_length=20, choices=Axis.choices)
    code = models.CharField("区分コード", max_length=10, help_text="台帳・Excel で使う短い記号（例: 3B）")
    label = models.CharField("名称", max_length=50)
    rank = models.PositiveSmallIntegerField("重要度", help_text="大きいほど重要")
    definition = models.TextField("定義", blank=True)
    blocks_internet_zone = models.BooleanField(
        "インターネット接続系に置けない", default=False, help_text="整合性チェックで使います。"
    )

    class Meta:
        ordering = ["scheme", "axis", "-rank"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "axis", "code"], name="assets_level_unique_code")
        ]
        verbose_name = "分類の区分"
        verbose_name_plural = "分類の区分"

    def __str__(self) -> str:
        return self.label


class HandlingRule(models.Model):
    """What staff must do with information of one level at one life-cycle step (取扱制限)."""

    level = models.ForeignKey(Level, verbose_name="区分", on_delete=models.CASCADE, related_name="rules")
    step = models.CharField("段階", max_length=20, choices=LifeCycleStep.choices)
    text = models.TextField("取扱制限", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "step"], name="assets_rule_unique_step")]
        verbose_name = "取扱制限"
        verbose_name_plural = "取扱制限"

    def __str__(self) -> str:
        return f"{self.level} {self.get_step_display()}"


class LevelMapping(models.Model):
    """Where a level of one scheme goes in another scheme (used to migrate the register)."""

    source = models.ForeignKey(Level, verbose_name="移行元", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Level, verbose_name="移行先", on_delete=models.CASCADE, related_name="+")
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="assets_mapping_unique_pair")
        ]
        verbose_name = "分類基準の対応"
        verbose_name_plural = "分類基準の対応"

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class ClassificationQuestion(models.Model):
    """A plain-Japanese question of the guided classification; "yes" proposes ``level``."""

    level = models.ForeignKey(
        Level, verbose_name="「はい」のときの区分", on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField("順番", default=0)
    text = models.CharField("質問", max_length=200)
    help_text = models.CharField("補足", max_length=300, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "分類の質問"
        verbose_name_plural = "分類の質問"

    def __str__(self) -> str:
        return self.text


class System(models.Model):
    """An information system (情報システム) in exactly one zone, owned by one unit."""

    code = models.CharField("システム番号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    unit = models.ForeignKey(Unit, verbose_name="所管課", on_delete=models.PROTECT, related_name="systems")
    zone = models.ForeignKey(
        Zone, verbose_name="ゾーン", null=True, blank=True, on_delete=models.PROTECT, related_name="systems"
    )
    manager = models.ForeignKey(
        Person,
        verbose_name="情報システム管理者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_systems",
    )
    description = models.TextField("説明", blank=True)
    finding_codes = models.CharField("指摘", max_length=300, blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = "情報システム"
        verbose_name_plural = "情報システム"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assets:system_detail", args=[self.pk])


class Asset(models.Model):
    """One entry of the register: an information asset, its owner, place and classification."""

    class Kind(models.TextChoices):
        SYSTEM = "system", "(a) ネットワーク・情報システム・機器・記録媒体"
        ELECTRONIC = "electronic", "(b) システムで扱う情報（電子・印刷物）"
        PAPER = "paper", "(c) 紙の情報"
        DOCUMENT = "document", "(d) システム関係文書"

    class Form(models.TextChoices):
        NONE = "", "—"
        NETWORK = "network", "ネットワーク"
        SYSTEM = "system", "情報システム"
        EQUIPMENT = "equipment", "機器"
        MEDIA = "media", "記録媒体"

    code = models.CharField("資産番号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("資産の種類", max_length=20, choices=Kind.choices)
    form = models.CharField("形態", max_length=20, choices=Form.choices, blank=True, default="")
    unit = models.ForeignKey(Unit, verbose_name="所管課", on_delete=models.PROTECT, related_name="assets")
    owner = models.ForeignKey(
        Person,
        verbose_name="管理責任者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_assets",
    )
    systems = models.ManyToManyField(System, verbose_name="情報システム", blank=True, related_name="assets")
    zone = models.ForeignKey(
        Zone,
        verbose_name="ゾーン（システム外）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
        help_text="情報システムに載らない機器・媒体などの置かれたゾーン",
    )
    room = models.CharField("保管場所（部屋）", max_length=100, blank=True)
    cabinet = models.CharField("キャビネット等", max_length=100, blank=True)
    quantity = models.CharField("数量・規模", max_length=100, blank=True)
    has_personal_data = models.BooleanField("個人情報", default=False)
    has_sensitive_personal_data = models.BooleanField("要配慮個人情報", default=False)
    has_my_number = models.BooleanField("特定個人情報", default=False)
    retention = models.CharField("保存期間", max_length=50, blank=True)
    sections = models.ManyToManyField(
        "policies.StandardSection", verbose_name="対策基準の節", blank=True, related_name="assets"
    )
    notes = models.TextField("備考", blank=True)
    confidentiality = models.ForeignKey(
        Level, verbose_name="機密性", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    integrity = models.ForeignKey(
        Level, verbose_name="完全性", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    availability = models.ForeignKey(
        Level, verbose_name="可用性", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    classified_at = models.DateTimeField("分類の決定日時", null=True, blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分類の決定者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Derived by consistency.refresh_assets (QuerySet.update, so derived data stays out of the audit
    # trail): the rule codes as ",code,code," so one rule is a LIKE filter, and their count for an
    # indexed "has findings" filter.
    finding_codes = models.CharField("指摘", max_length=300, blank=True, default="")
    finding_count = models.PositiveSmallIntegerField("指摘件数", default=0)
    updated_at = models.DateTimeField("更新日時", default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = "情報資産"
        verbose_name_plural = "情報資産"
        # The list filters by unit/kind/level/flags and sorts by code or name: these indexes keep the
        # filtered, paginated list fast with 100,000 rows on SQLite (benchmarks/assets_list.py).
        indexes = [
            models.Index(fields=["name"], name="assets_asset_name"),
            models.Index(fields=["unit", "code"], name="assets_asset_unit_code"),
            models.Index(fields=["kind", "code"], name="assets_asset_kind_code"),
            models.Index(fields=["confidentiality", "code"], name="assets_asset_conf_code"),
            models.Index(fields=["has_my_number", "code"], name="assets_asset_mynum_code"),
            models.Index(fields=["has_personal_data", "code"], name="assets_asset_pers_code"),
            models.Index(fields=["finding_count", "code"], name="assets_asset_find_code"),
            models.Index(fields=["updated_at"], name="assets_asset_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("assets:asset_detail", args=[self.pk])

    def levels(self) -> list[Level]:
        return [lv for lv in (self.confidentiality, self.integrity, self.availability) if lv is not None]


class ClassificationDecision(models.Model):
    """Who decided an asset's classification, when, how and why (the history of the levels)."""

    class Method(models.TextChoices):
        GUIDED = "guided", "質問に答えて決定"
        MANUAL = "manual", "直接入力"
        BULK = "bulk", "一括変更"
        IMPORT = "import", "Excel 取込"
        MAPPING = "mapping", "分類基準の移行"

    asset = models.ForeignKey(
        Asset, verbose_name="情報資産", on_delete=models.CASCADE, related_name="decisions"
    )
    confidentiality = models.ForeignKey(
        Level, verbose_name="機密性", null=True, on_delete=models.PROTECT, related_name="+"
    )
    integrity = models.ForeignKey(
        Level, verbose_name="完全性", null=True, on_delete=models.PROTECT, related_name="+"
    )
    availability = models.ForeignKey(
        Level, verbose_name="可用性", null=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField("方法", max_length=20, choices=Method.choices)
    reason = models.TextField("理由", blank=True)
    answers = models.JSONField("質問への回答", default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="決定者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("決定日時", default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = "分類の決定"
        verbose_name_plural = "分類の決定"

    def __str__(self) -> str:
        return f"{self.asset} {self.get_method_display()}"
