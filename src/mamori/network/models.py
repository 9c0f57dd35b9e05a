"""The zone model of the municipality's network and its verification runs.

Glossary: 三層分離 → three-zone separation; ゾーン → Zone; セグメント → Segment; システム → NetworkSystem;
許可された通信（例外） → AllowedFlow; 機器 → Device; 設定ファイル → DeviceConfig; 検証 → VerificationRun.
The zone model mirrors MODEL.yaml of the netcheck engine (docs/netcheck.md): each record keeps the ``key``
that is its id there, so a model can be exported, edited as YAML and uploaded again.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

key_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$",
    "英数字で始まり、英数字・ハイフン・ピリオド・下線だけからなる64文字以内の識別子にしてください。",
    code="invalid_key",
)


class NetworkPlan(models.Model):
    """The municipality's network model setting (one row)."""

    class NetworkModel(models.TextChoices):
        ALPHA = "alpha", "αモデル"
        ALPHA_PRIME = "alpha-prime", "α'モデル"
        BETA = "beta", "βモデル"
        BETA_PRIME = "beta-prime", "β'モデル"

    network_model = models.CharField(
        "ネットワークモデル", max_length=20, choices=NetworkModel.choices, default=NetworkModel.ALPHA
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "ネットワーク構成"
        verbose_name_plural = "ネットワーク構成"

    def __str__(self) -> str:
        return self.get_network_model_display()

    @classmethod
    def current(cls) -> NetworkPlan:
        plan = cls.objects.order_by("pk").first()
        return plan if plan is not None else cls.objects.create()


class Zone(models.Model):
    class Kind(models.TextChoices):
        MYNUMBER = "mynumber", "マイナンバー利用事務系"
        LGWAN = "lgwan", "LGWAN接続系"
        INTERNET = "internet", "インターネット接続系"
        ISOLATED = "isolated", "独立系"
        CUSTOM = "custom", "その他"

    key = models.CharField("識別子", max_length=64, unique=True, validators=[key_validator])
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    label = models.CharField("名称", max_length=100)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = "ゾーン"
        verbose_name_plural = "ゾーン"

    def __str__(self) -> str:
        return self.label


class Segment(models.Model):
    key = models.CharField("識別子", max_length=64, unique=True, validators=[key_validator])
    zone = models.ForeignKey(Zone, verbose_name="ゾーン", on_delete=models.PROTECT, related_name="segments")
    cidrs = models.TextField("アドレス範囲（CIDR、1行に1つ）")
    note = models.CharField("説明", max_length=200, blank=True)

    class Meta:
        ordering = ["zone__order", "key"]
        verbose_name = "セグメント"
        verbose_name_plural = "セグメント"

    def __str__(self) -> str:
        return self.key

    def cidr_list(self) -> list[str]:
        return [line.strip() for line in self.cidrs.splitlines() if line.strip()]


class NetworkSystem(models.Model):
    class Role(models.TextChoices):
        MAIL_SANITIZER = "mail-sanitizer", "メール無害化"
        FILE_SANITIZER = "file-sanitizer", "ファイル無害化"
        SCREEN_TRANSFER = "screen-transfer", "画面転送"
        PROXY = "proxy", "プロキシ"
        SECURITY_CLOUD = "security-cloud", "自治体情報セキュリティクラウド"
        OTHER = "other", "その他"

    key = models.CharField("識別子", max_length=64, unique=True, validators=[key_validator])
    name = models.CharField("名称", max_length=100, blank=True)
    zone = models.ForeignKey(Zone, verbose_name="ゾーン", on_delete=models.PROTECT, related_name="systems")
    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.OTHER)
    addresses = models.TextField("アドレス（1行に1つ）")
    # The asset register (mamori.assets) owns information systems; a network system names the one it is.
    register_system = models.ForeignKey(
        "assets.System",
        verbose_name="情報資産台帳のシステム",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["zone__order", "key"]
        verbose_name = "システム"
        verbose_name_plural = "システム"

    def __str__(self) -> str:
        return self.name or self.key

    def address_list(self) -> list[str]:
        return [line.strip() for line in self.addresses.splitlines() if line.strip()]


class AllowedFlow(models.Model):
    """A declared exception to the built-in three-zone rules, with its approval and expiry."""

    class EndKind(models.TextChoices):
        ZONE = "zone", "ゾーン"
        SEGMENT = "segment", "セグメント"
        SYSTEM = "system", "システム"

    key = models.CharField("識別子", max_length=64, unique=True, validators=[key_validator])
    source_kind = models.CharField("送信元の種類", max_length=10, choices=EndKind.choices)
    source_ref = models.CharField("送信元", max_length=64)
    destination_kind = models.CharField("宛先の種類", max_length=10, choices=EndKind.choices)
    destination_ref = models.CharField("宛先", max_length=64)
    services = models.CharField(
        "サービス", max_length=300, help_text="例: tcp/25, udp/53, tcp/8000-8080, any"
    )
    rationale = models.CharField("理由", max_length=300)
    approver = models.ForeignKey(
        "core.Person",
        verbose_name="承認者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_on = models.DateField("承認日", null=True, blank=True)
    expires = models.DateField("有効期限", null=True, blank=True, help_text="この日まで有効（当日を含む）")

    class Meta:
        ordering = ["key"]
        verbose_name = "許可された通信（例外）"
        verbose_name_plural = "許可された通信（例外）"

    def __str__(self) -> str:
        return self.key

    def service_list(self) -> list[str]:
        return [part.strip() for part in self.services.replace("、", ",").split(",") if part.strip()]

    def is_expired(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.expires is not None and day > self.expires  # type: ignore[operator]


class Device(models.Model):
    class Vendor(models.TextChoices):
        FORTIGATE = "fortigate", "FortiGate"
        YAMAHA_RTX = "yamaha-rtx", "YAMAHA RTX"
        CISCO_ASA = "cisco-asa", "Cisco ASA"
        CISCO_IOS = "cisco-ios", "Cisco IOS"
        IPTABLES = "iptables", "iptables"
        NFTABLES = "nftables", "nftables (JSON)"

    key = models.CharField("識別子", max_length=64, unique=True, validators=[key_validator])
    name = models.CharField("名称", max_length=100, blank=True)
    vendor = models.CharField("機種", max_length=20, choices=Vendor.choices)
    interfaces = models.TextField(
        "インターフェースとゾーン",
        blank=True,
        help_text="1行に「インターフェース名: ゾーン識別子」。空欄なら全インターフェース",
    )

    class Meta:
        ordering = ["key"]
        verbose_name = "機器"
        verbose_name_plural = "機器"

    def __str__(self) -> str:
        return self.name or self.key

    def interface_map(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for line in self.interfaces.splitlines():
            if ":" in line:
                name, zone = line.rsplit(":", 1)
                if name.strip() and zone.strip():
                    mapping[name.strip()] = zone.strip()
        return mapping

    def latest_config(self) -> DeviceConfig | None:
        return self.configs.order_by("-version").first()


class DeviceConfig(models.Model):
    """One uploaded version of a device's configuration; versions are kept."""

    device = models.ForeignKey(Device, verbose_name="機器", on_delete=models.CASCADE, related_name="configs")
    version = models.PositiveIntegerField("版")
    filename = models.CharField("ファイル名", max_length=200, blank=True)
    text = models.TextField("設定内容")
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登録者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("登録日時", default=timezone.now)

    class Meta:
        ordering = ["device", "-version"]
        constraints = [models.UniqueConstraint(fields=["device", "version"], name="network_config_version")]
        verbose_name = "機器の設定"
        verbose_name_plural = "機器の設定"

    def __str__(self) -> str:
        return f"{self.device.key} 第{self.version}版"

    def save(self, *args: object, **kwargs: object) -> None:
        self.sha256 = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class VerificationRun(models.Model):
    """One verification of the zone model against the latest device configurations."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待機中"
        RUNNING = "running", "実行中"
        DONE = "done", "完了"
        FAILED = "failed", "失敗"

    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.QUEUED)
    as_of = models.DateField("基準日")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="実行者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("依頼日時", default=timezone.now)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    model_yaml = models.TextField("検証したゾーンモデル")
    config_versions = models.JSONField("検証した設定の版", default=dict)
    result = models.JSONField("結果", null=True, blank=True)
    report_html = models.TextField("監査用レポート", blank=True)
    error = models.TextField("エラー", blank=True)
    violation_count = models.PositiveIntegerField("違反", default=0)
    possible_count = models.PositiveIntegerField("違反の可能性", default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "検証"
        verbose_name_plural = "検証"

    def __str__(self) -> str:
        return f"検証 #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("network:run_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
