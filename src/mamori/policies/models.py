"""Policy documents, their versions and sections, and the 対策基準 section tree.

Glossary: 基本方針 → basic policy; 対策基準 → standard; 実施手順 → procedure; 対策基準の節 → StandardSection
(a stable code such as ``3.2`` that other registers link to); ガイドライン版 → guideline_version;
版 → PolicyVersion; 施行日 → effective_on; 施行中 → in force; 公開範囲 → audience; 遵守義務の確認 →
ReadReceipt; 見直し → review; 見直しのきっかけ → ReviewTrigger; 変更履歴 → DocumentEvent.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone

from mamori.core.japanese_calendar import wareki_date


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


class Layer(models.TextChoices):
    BASIC = "basic", "基本方針"
    STANDARD = "standard", "対策基準"
    PROCEDURE = "procedure", "実施手順"


class Audience(models.TextChoices):
    PUBLIC = "public", "一般公開"
    STAFF = "staff", "全職員"
    RESTRICTED = "restricted", "指定した役割・組織のみ"


class SectionAudience(models.TextChoices):
    INHERIT = "inherit", "文書と同じ"
    PUBLIC = "public", "一般公開"
    STAFF = "staff", "全職員"
    RESTRICTED = "restricted", "指定した役割・組織のみ"


class PolicyDocument(models.Model):
    """One policy document (a 基本方針, a 対策基準 or a 実施手順) of a body, or shared by all bodies."""

    title = models.CharField("文書名", max_length=200)
    layer = models.CharField("階層", max_length=20, choices=Layer.choices)
    body = models.ForeignKey(
        "core.Body",
        verbose_name="機関",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy_documents",
        help_text="空欄のときは全機関共通",
    )
    owner_unit = models.ForeignKey(
        "core.Unit",
        verbose_name="所管組織",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_policy_documents",
        help_text="実施手順では対象システムを所管する課",
    )
    system_name = models.CharField("対象システム・業務", max_length=200, blank=True)
    audience = models.CharField("公開範囲", max_length=20, choices=Audience.choices, default=Audience.STAFF)
    audience_roles = models.ManyToManyField(
        "core.Role", verbose_name="閲覧できる役割", blank=True, related_name="+"
    )
    audience_units = models.ManyToManyField(
        "core.Unit", verbose_name="閲覧できる組織", blank=True, related_name="+"
    )
    include_system_managers = models.BooleanField(
        "所管組織の情報システム管理者・担当者に公開",
        default=False,
        help_text="所管組織を担当する情報システム管理者・担当者が閲覧できます",
    )
    review_interval_months = models.PositiveIntegerField("見直し周期（月）", default=12)
    last_reviewed_on = models.DateField("前回見直し日", null=True, blank=True)
    order = models.PositiveIntegerField("表示順", default=0)
    created_at = models.DateTimeField("作成日時", default=timezone.now)

    class Meta:
        ordering = ["layer", "order", "id"]
        verbose_name = "ポリシー文書"
        verbose_name_plural = "ポリシー文書"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:document", args=[self.pk])

    def owning_unit(self) -> object | None:
        return self.owner_unit

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    @property
    def body_label(self) -> str:
        return self.body.name if self.body_id and self.body else "全機関共通"

    def review_due_on(self) -> dt.date | None:
        """Return the date the next review is due (None until the first version comes into force)."""
        if self.last_reviewed_on is None:
            return None
        months = self.last_reviewed_on.month - 1 + self.review_interval_months
        year = self.last_reviewed_on.year + months // 12
        month = months % 12 + 1
        # 1月31日 + 1か月 is the last day of February, as a person counting months would say.
        day = min(self.last_reviewed_on.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day)

    def is_review_overdue(self, today: dt.date | None = None) -> bool:
        due = self.review_due_on()
        return due is not None and due < (today or timezone.localdate())

    def current_version(self) -> PolicyVersion | None:
        return self.versions.filter(status=VersionStatus.IN_FORCE).first()

    def open_draft(self) -> PolicyVersion | None:
        return self.versions.filter(status__in=OPEN_STATUSES).first()


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    IN_REVIEW = "in_review", "委員会審議中"
    AWAITING_APPROVAL = "awaiting_approval", "CISO承認待ち"
    APPROVED = "approved", "施行待ち"
    IN_FORCE = "in_force", "施行中"
    SUPERSEDED = "superseded", "旧版"


OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.AWAITING_APPROVAL)
APPROVED_STATUSES = (VersionStatus.APPROVED, VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED)


class ApprovedVersionError(Exception):
    """An approved version is kept for ever and never changes."""


class PolicyVersion(models.Model):
    """One version of a document: a draft until the CISO approves it, then frozen and citable for ever."""

    document = models.ForeignKey(
        PolicyDocument, verbose_name="文書", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("版番号")
    status = models.CharField(
        "状態", max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    change_summary = models.TextField("改正の概要", blank=True)
    effective_on = models.DateField("施行日", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作成者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    submitted_at = models.DateTimeField("審議依頼日時", null=True, blank=True)
    reviewed_at = models.DateTimeField("委員会審議日時", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承認者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="policy_version_number")]
        verbose_name = "版"
        verbose_name_plural = "版"

    def __str__(self) -> str:
        return f"{self.document.title} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("policies:version", args=[self.document_id, self.number])

    def owning_unit(self) -> object | None:
        return self.document.owner_unit

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def label(self) -> str:
        """Return how people cite this version: 令和7年4月1日施行版, or 第3版（下書き）."""
        if self.is_approved and self.effective_on is not None:
            return f"{wareki_date(self.effective_on)}施行版"
        return f"第{self.number}版（{self.get_status_display()}）"

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        # Ask the database: an in-memory copy may predate the approval.
        if (
            self.is_approved
            or PolicyVersion.objects.filter(pk=self.pk, status__in=APPROVED_STATUSES).exists()
        ):
            raise ApprovedVersionError("approved versions are kept for ever")
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]


class Section(models.Model):
    """A numbered section of one version; ``lineage`` stays the same across versions of the text."""

    version = models.ForeignKey(
        PolicyVersion, verbose_name="版", on_delete=models.CASCADE, related_name="sections"
    )
    lineage = models.UUIDField("節の識別子", default=uuid.uuid4, db_index=True)
    order = models.PositiveIntegerField("順序", default=0)
    level = models.PositiveSmallIntegerField("階層", default=1)
    number = models.CharField("番号", max_length=30, blank=True, help_text="第1章、1、(1)、ア など")
    full_number = models.CharField("番号（上位を含む）", max_length=200, blank=True, editable=False)
    heading = models.CharField("見出し", max_length=300, blank=True)
    text = models.TextField("本文", blank=True)
    standard_section = models.ForeignKey(
        StandardSection,
        verbose_name="対策基準の節",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy_sections",
    )
    audience = models.CharField(
        "公開範囲", max_length=20, choices=SectionAudience.choices, default=SectionAudience.INHERIT
    )
    audience_roles = models.ManyToManyField(
        "core.Role", verbose_name="閲覧できる役割", blank=True, related_name="+"
    )
    audience_units = models.ManyToManyField(
        "core.Unit", verbose_name="閲覧できる組織", blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = "節"
        verbose_name_plural = "節"

    def __str__(self) -> str:
        return f"{self.full_number or self.number} {self.heading}".strip() or f"節{self.pk}"

    def owning_unit(self) -> object | None:
        return self.version.document.owner_unit

    def save(self, *args: object, **kwargs: object) -> None:
        # Defence in depth behind the services: the text of an approved version never changes.
        if (
            self.pk is not None
            and PolicyVersion.objects.filter(pk=self.version_id, status__in=APPROVED_STATUSES).exists()
        ):
            raise ApprovedVersionError("sections of approved versions are kept for ever")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        if PolicyVersion.objects.filter(pk=self.version_id, status__in=APPROVED_STATUSES).exists():
            raise ApprovedVersionError("sections of approved versions are kept for ever")
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]

    def citation(self) -> str:
        """Return the citable reference: 令和7年4月1日施行版 第3章2."""
        return f"{self.version.label} {self.full_number}".strip()


class VersionComment(models.Model):
    """A comment on a version, made while drafting, reviewing or approving it."""

    version = models.ForeignKey(
        PolicyVersion, verbose_name="版", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="発言者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage = models.CharField("段階", max_length=20, choices=VersionStatus.choices)
    text = models.TextField("コメント")
    created_at = models.DateTimeField("日時", default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "コメント"
        verbose_name_plural = "コメント"

    def __str__(self) -> str:
        return self.text[:40]

    def owning_unit(self) -> object | None:
        return self.version.document.owner_unit


class DocumentEvent(models.Model):
    """One line of a document's change log (変更履歴)."""

    class Kind(models.TextChoices):
        CREATED = "created", "文書作成"
        DRAFTED = "drafted", "改正案作成"
        IMPORTED = "imported", "取込"
        EDITED = "edited", "節の編集"
        SUBMITTED = "submitted", "委員会審議へ"
        REVIEWED = "reviewed", "委員会承認"
        RETURNED = "returned", "差戻し"
        APPROVED = "approved", "CISO承認"
        IN_FORCE = "in_force", "施行"
        REVIEW_DONE = "review_done", "見直し（改正なし）"
        SETTINGS = "settings", "設定変更"

    document = models.ForeignKey(
        PolicyDocument, verbose_name="文書", on_delete=models.CASCADE, related_name="events"
    )
    version = models.ForeignKey(
        PolicyVersion, verbose_name="版", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    note = models.TextField("内容", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("日時", default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "変更履歴"
        verbose_name_plural = "変更履歴"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.note[:40]}"

    def owning_unit(self) -> object | None:
        return self.document.owner_unit


class ReadReceipt(models.Model):
    """A person addressed by an in-force version, and when they confirmed reading it (遵守義務)."""

    version = models.ForeignKey(
        PolicyVersion, verbose_name="版", on_delete=models.PROTECT, related_name="receipts"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name="職員", on_delete=models.CASCADE, related_name="policy_receipts"
    )
    requested_at = models.DateTimeField("依頼日時", default=timezone.now)
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)
    last_reminded_at = models.DateTimeField("最終督促日時", null=True, blank=True)
    reminder_count = models.PositiveIntegerField("督促回数", default=0)

    class Meta:
        ordering = ["version", "person__unit__path", "person__employee_number"]
        constraints = [models.UniqueConstraint(fields=["version", "person"], name="policy_receipt_once")]
        verbose_name = "確認記録"
        verbose_name_plural = "確認記録"

    def __str__(self) -> str:
        return f"{self.person} {self.version}"

    def owning_unit(self) -> object | None:
        return self.person.unit


class ReviewTrigger(models.Model):
    """A reason to review the policy now: an audit finding or a self-inspection result on a section."""

    standard_section = models.ForeignKey(
        StandardSection,
        verbose_name="対策基準の節",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_triggers",
    )
    document = models.ForeignKey(
        PolicyDocument,
        verbose_name="文書",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_triggers",
    )
    reason = models.TextField("理由")
    source_type = models.ForeignKey(
        ContentType,
        verbose_name="発生元の種類",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_id = models.CharField("発生元ID", max_length=64, blank=True)
    source_label = models.CharField("発生元", max_length=255, blank=True)
    raised_at = models.DateTimeField("発生日時", default=timezone.now)
    resolved_at = models.DateTimeField("対応日時", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="対応者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField("対応内容", blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = "見直しのきっかけ"
        verbose_name_plural = "見直しのきっかけ"

    def __str__(self) -> str:
        code = self.standard_section.code if self.standard_section_id and self.standard_section else ""
        return f"{code} {self.reason[:40]}".strip()

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class SectionLink(models.Model):
    """A link from a policy section (or a 対策基準 code) to an item of another register."""

    class Kind(models.TextChoices):
        ASSET = "asset", "情報資産"
        INSPECTION_ITEM = "inspection_item", "自己点検項目"
        AUDIT_ITEM = "audit_item", "監査項目"
        FINDING = "finding", "指摘事項"
        EXCEPTION = "exception", "例外措置"
        OTHER = "other", "その他"

    standard_section = models.ForeignKey(
        StandardSection,
        verbose_name="対策基準の節",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links",
    )
    document = models.ForeignKey(
        PolicyDocument,
        verbose_name="文書",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links",
    )
    section_lineage = models.UUIDField("節の識別子", null=True, blank=True, db_index=True)
    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    target_type = models.ForeignKey(
        ContentType, verbose_name="対象の種類", on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.CharField("対象ID", max_length=64)
    created_at = models.DateTimeField("作成日時", default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard_section", "document", "section_lineage", "target_type", "target_id"],
                name="policy_section_link_once",
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = "節への関連付け"
        verbose_name_plural = "節への関連付け"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_type_id}:{self.target_id}"
