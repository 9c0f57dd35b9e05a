"""Quarantined originals, their recipients and attachments, release requests and PPAP unlocks.

Glossary (Japanese term → identifier):
  隔離 → quarantine; 原本 → original; 無害化 → sanitize; 取出し（解除）申請 → ReleaseRequest;
  承認者 → approver; 参照番号 → reference; 訴訟ホールド（保全） → legal_hold; 削除（保存期間経過） → purge;
  PPAP（パスワード付き ZIP） → encrypted attachment / unlock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

VERDICT_LABELS = {"cleaned": "無害化", "converted": "変換", "removed": "削除", "held": "保留（暗号化）"}
MESSAGE_VERDICT_LABELS = {
    "cleaned": "無害化",
    "converted": "変換（テキスト化など）",
    "removed": "削除",
    "held": "保留",
    "delivered": "そのまま配送可",
}
ACTION_LABELS = {
    "TEXTIZED": "テキスト化",
    "LINKS_DEFANGED": "リンク無効化",
    "LINKS_REMOVED": "リンク削除",
    "ATTACHMENT_REMOVED": "添付削除",
    "ATTACHMENT_CONVERTED": "添付変換",
    "ATTACHMENT_CLEANED": "添付無害化",
    "ATTACHMENT_HELD": "添付保留",
    "ENCRYPTED_HELD": "暗号化ファイル保留",
    "TRACKING_IMAGES_REMOVED": "追跡画像削除",
    "HIDDEN_TEXT_REMOVED": "隠し文字削除",
    "HIDDEN_TEXT_FLAGGED": "隠し文字あり",
    "LIMIT_EXCEEDED": "上限超過",
    "MALFORMED_REPAIRED": "破損を修復",
    "MESSAGE_HELD": "メール全体を保留",
}


class QuarantinedMessage(models.Model):
    """One inbound message: its metadata, sanitization report and the address of its encrypted original."""

    class Status(models.TextChoices):
        SANITIZED = "sanitized", "無害化済み・配送待ち"
        DELIVERED = "delivered", "配送済み"
        PARTIAL = "partial", "一部の宛先に配送不能"
        FAILED = "failed", "配送不能"

    reference = models.CharField("参照番号", max_length=20, unique=True)
    spool_id = models.CharField("受付ID", max_length=40, unique=True)
    message_id = models.CharField("Message-ID", max_length=255, blank=True, db_index=True)
    envelope_from = models.CharField("送信者（エンベロープ）", max_length=320, blank=True, db_index=True)
    from_header = models.CharField("差出人", max_length=500, blank=True)
    subject = models.CharField("件名", max_length=500, blank=True)
    received_at = models.DateTimeField("受信日時", db_index=True)
    peer = models.CharField("送信元", max_length=100, blank=True)
    verdict = models.CharField("判定", max_length=20, blank=True, db_index=True)
    actions = models.JSONField("処理", default=list, blank=True)
    # The same tokens as " TEXTIZED LINKS_DEFANGED ": a plain text column every database can search.
    action_tokens = models.CharField(max_length=500, blank=True, db_index=True)
    report = models.JSONField("無害化レポート", default=dict, blank=True)
    original_address = models.CharField(max_length=64, blank=True)
    original_size = models.PositiveBigIntegerField("原本サイズ", default=0)
    sanitize_ms = models.PositiveIntegerField("無害化時間（ミリ秒）", default=0)
    has_held = models.BooleanField("保留した添付あり", default=False)
    status = models.CharField("配送状況", max_length=20, choices=Status.choices, default=Status.SANITIZED)
    deferrals = models.PositiveIntegerField("配送延期回数", default=0)
    last_error = models.CharField("最後のエラー", max_length=500, blank=True)
    delivered_at = models.DateTimeField("配送日時", null=True, blank=True)
    legal_hold = models.BooleanField("保全（削除しない）", default=False)
    purged_at = models.DateTimeField("原本削除日時", null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "隔離メール"
        verbose_name_plural = "隔離メール"

    def __str__(self) -> str:
        return f"{self.reference} {self.subject[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("quarantine:detail", args=[self.reference])

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None

    def get_verdict_label(self) -> str:
        return MESSAGE_VERDICT_LABELS.get(self.verdict, self.verdict)

    def action_labels(self) -> list[str]:
        """Return the actions in Japanese (the header tokens stay in the report)."""
        return [ACTION_LABELS.get(str(a), str(a)) for a in self.actions or []]


class MessageRecipient(models.Model):
    """One envelope recipient, mapped to a person by e-mail address (case-insensitive) when possible."""

    class Status(models.TextChoices):
        PENDING = "pending", "配送待ち"
        DELIVERED = "delivered", "配送済み"
        FAILED = "failed", "配送不能"

    message = models.ForeignKey(QuarantinedMessage, on_delete=models.CASCADE, related_name="recipients")
    address = models.CharField("宛先", max_length=320, db_index=True)
    person = models.ForeignKey(
        "core.Person", verbose_name="職員", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        "core.Unit", verbose_name="所属", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("配送状況", max_length=20, choices=Status.choices, default=Status.PENDING)
    failure = models.CharField("配送不能の理由", max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "宛先"
        verbose_name_plural = "宛先"

    def __str__(self) -> str:
        return self.address


class QuarantinedAttachment(models.Model):
    """One attachment of a quarantined message, as the sanitize report describes it."""

    message = models.ForeignKey(QuarantinedMessage, on_delete=models.CASCADE, related_name="attachments")
    index = models.PositiveIntegerField("番号")
    filename = models.CharField("ファイル名", max_length=500)
    detected_type = models.CharField("判別した形式", max_length=40, blank=True)
    content_type = models.CharField("Content-Type", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    verdict = models.CharField("判定", max_length=20, db_index=True)
    reason = models.CharField("理由", max_length=1000, blank=True)
    output_filename = models.CharField("配送したファイル名", max_length=500, blank=True)
    unlock_attempts = models.PositiveIntegerField("パスワード試行回数", default=0)
    unlocked_at = models.DateTimeField("解除日時", null=True, blank=True)

    class Meta:
        ordering = ["message", "index"]
        unique_together = [("message", "index")]
        verbose_name = "隔離添付ファイル"
        verbose_name_plural = "隔離添付ファイル"

    def __str__(self) -> str:
        return self.filename

    @property
    def is_encrypted(self) -> bool:
        return self.verdict == "held"

    def get_verdict_label(self) -> str:
        return VERDICT_LABELS.get(self.verdict, self.verdict)


class ReleaseRequest(models.Model):
    """A recipient's request to get an attachment (or the whole original) back, and its decision."""

    class Action(models.TextChoices):
        RENDER = "render", "画像化（PDF）して配送"
        STRUCTURAL = "structural", "構造的に無害化して配送"
        FORWARD = "forward", "原本をインターネット系のアドレスへ転送"
        DOWNLOAD = "download", "インターネット系の隔離画面でダウンロード"

    class Status(models.TextChoices):
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "承認済み・処理中"
        DENIED = "denied", "却下"
        RELEASED = "released", "取出し済み"
        FAILED = "failed", "処理失敗"

    message = models.ForeignKey(QuarantinedMessage, on_delete=models.CASCADE, related_name="releases")
    attachment = models.ForeignKey(
        QuarantinedAttachment,
        verbose_name="添付ファイル",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="releases",
        help_text="空欄のときは原本全体",
    )
    recipient = models.ForeignKey(
        MessageRecipient, verbose_name="宛先", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申請者", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申請日時", default=timezone.now)
    reason = models.TextField("理由")
    action = models.CharField("取出し方法", max_length=20, choices=Action.choices)
    status = models.CharField(
        "状態", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    auto_approved = models.BooleanField("自動承認", default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承認者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)
    decision_note = models.TextField("判断の理由", blank=True)
    completed_at = models.DateTimeField("処理日時", null=True, blank=True)
    result_note = models.CharField("処理結果", max_length=1000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "取出し申請"
        verbose_name_plural = "取出し申請"

    def __str__(self) -> str:
        target = self.attachment.filename if self.attachment else "原本"
        return f"{self.message.reference} {target}（{self.get_status_display()}）"

    def owning_unit(self) -> object | None:
        return self.recipient.unit

    def get_absolute_url(self) -> str:
        return reverse("quarantine:release_detail", args=[self.pk])
