"""Yearly self-inspection campaigns, the sheets people answer, their answers and evidence files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from mamori.inspections.models.catalogue import CatalogueVersion, ChecklistItem, RespondentType


class Campaign(models.Model):
    """The self-inspection of one 年度: chosen items, chosen respondents, open and close dates."""

    class Status(models.TextChoices):
        DRAFT = "draft", "準備中"
        OPEN = "open", "実施中"
        CLOSED = "closed", "終了"

    fiscal_year = models.PositiveIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    catalogue_version = models.ForeignKey(
        CatalogueVersion, verbose_name="点検項目の版", on_delete=models.PROTECT, related_name="campaigns"
    )
    opens_on = models.DateField("開始日")
    closes_on = models.DateField("締切日")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.DRAFT)
    previous = models.ForeignKey(
        "self",
        verbose_name="前年度の自己点検",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    show_previous_answers = models.BooleanField("前年度の回答を並べて表示する", default=False)
    units = models.ManyToManyField("core.Unit", verbose_name="対象組織", related_name="+")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        verbose_name = "自己点検"
        verbose_name_plural = "自己点検"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:campaign_detail", args=[self.pk])


class CampaignItem(models.Model):
    """An item as asked in one campaign: the wording is kept so later edits do not rewrite history."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(
        ChecklistItem, verbose_name="点検項目", on_delete=models.PROTECT, related_name="+"
    )
    section = models.ForeignKey(
        "policies.StandardSection", verbose_name="対策基準の節", on_delete=models.PROTECT, related_name="+"
    )
    respondent_type = models.CharField("回答者", max_length=10, choices=RespondentType.choices)
    question = models.TextField("点検内容")
    guidance = models.TextField("解説", blank=True)
    requires_evidence = models.BooleanField("証跡の添付が必要", default=False)
    is_priority = models.BooleanField("重点項目", default=False)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "item"], name="campaign_item_once")]
        verbose_name = "実施した点検項目"
        verbose_name_plural = "実施した点検項目"

    def __str__(self) -> str:
        return f"{self.item.code} {self.question[:30]}"

    def owning_unit(self) -> None:
        return None


class AnswerSheet(models.Model):
    """What one respondent answers in one campaign (a person, or a unit's or a system's manager)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未着手"
        IN_PROGRESS = "in_progress", "回答中"
        SUBMITTED = "submitted", "提出済"
        RETURNED = "returned", "差戻し"
        ACCEPTED = "accepted", "承認済"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sheets")
    person = models.ForeignKey(
        "core.Person", verbose_name="回答者", on_delete=models.PROTECT, related_name="answer_sheets"
    )
    unit = models.ForeignKey("core.Unit", verbose_name="組織", on_delete=models.PROTECT, related_name="+")
    respondent_type = models.CharField("回答者区分", max_length=10, choices=RespondentType.choices)
    # The asset register's system a 情報システム管理者 answers for (None: the unit as a whole).
    system = models.ForeignKey(
        "assets.System",
        verbose_name="対象システム",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Only sheets created before the link to the register, naming a system the register does not hold.
    system_ref = models.CharField("対象システム（台帳にない旧記録）", max_length=200, blank=True)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    reviewed_at = models.DateTimeField("確認日時", null=True, blank=True)
    reviewer = models.ForeignKey(
        "core.Person",
        verbose_name="確認者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_reminded_at = models.DateTimeField("最終督促日時", null=True, blank=True)

    class Meta:
        ordering = ["unit__path", "respondent_type", "person__employee_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person", "respondent_type", "unit", "system_ref"],
                condition=models.Q(system__isnull=True),
                name="sheet_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "person", "respondent_type", "system"],
                condition=models.Q(system__isnull=False),
                name="sheet_once_per_system",
            ),
        ]
        verbose_name = "点検票"
        verbose_name_plural = "点検票"

    def __str__(self) -> str:
        return f"{self.campaign} — {self.person}（{self.get_respondent_type_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("inspections:sheet", args=[self.pk])

    @property
    def system_label(self) -> str:
        """Return the name of the system this sheet answers for ('' for a unit or a person)."""
        return self.system.name if self.system_id and self.system else self.system_ref

    @property
    def is_editable(self) -> bool:
        return self.campaign.status == Campaign.Status.OPEN and self.status in {
            self.Status.NOT_STARTED,
            self.Status.IN_PROGRESS,
            self.Status.RETURNED,
        }


class AnswerValue(models.TextChoices):
    """The answer scale; points are what the score counts (該当なし is left out)."""

    DONE = "done", "実施"
    PARTIAL = "partial", "一部実施"
    NOT_DONE = "not_done", "未実施"
    NOT_APPLICABLE = "na", "該当なし"


POINTS: dict[str, int | None] = {"done": 2, "partial": 1, "not_done": 0, "na": None, "": None}


class Answer(models.Model):
    """One answer to one item on one sheet; unit and section are copied so results need no joins."""

    class Review(models.TextChoices):
        NONE = "", "—"
        RETURNED = "returned", "差戻し"
        ACCEPTED = "accepted", "承認"

    sheet = models.ForeignKey(AnswerSheet, on_delete=models.CASCADE, related_name="answers")
    campaign_item = models.ForeignKey(CampaignItem, on_delete=models.CASCADE, related_name="answers")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey("policies.StandardSection", on_delete=models.PROTECT, related_name="+")
    value = models.CharField("回答", max_length=10, choices=AnswerValue.choices, blank=True)
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField("コメント", blank=True)
    review = models.CharField("確認", max_length=10, choices=Review.choices, blank=True)
    review_comment = models.TextField("差戻しの理由", blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        ordering = ["campaign_item__order", "id"]
        constraints = [models.UniqueConstraint(fields=["sheet", "campaign_item"], name="answer_once")]
        # Covers the results query (GROUP BY unit, item, value) so it never reads the table itself.
        indexes = [
            models.Index(fields=["campaign", "unit", "campaign_item", "value"], name="answer_results_idx")
        ]
        verbose_name = "回答"
        verbose_name_plural = "回答"

    def __str__(self) -> str:
        return f"{self.campaign_item.item.code}: {self.get_value_display() or '未回答'}"

    def owning_unit(self) -> object:
        return self.unit


class Evidence(models.Model):
    """A file attached to an answer as proof, stored under the data directory."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("ファイル", upload_to="inspections/evidence/%Y/")
    original_name = models.CharField("ファイル名", max_length=255)
    size = models.PositiveIntegerField("サイズ")
    content_type = models.CharField("種類", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "証跡"
        verbose_name_plural = "証跡"

    def __str__(self) -> str:
        return self.original_name

    def owning_unit(self) -> object:
        return self.answer.unit
