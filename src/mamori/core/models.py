"""The municipality: bodies, organisation units, people, roles and the audit trail.

Glossary (Japanese term → identifier):
  機関 → Body; 部局/課室/係 → Unit (kind department/section/subsection); 職員等 → Person;
  職員 / 非常勤職員 / 会計年度任用職員 → StaffType.REGULAR / PART_TIME / FISCAL_YEAR;
  職員番号 → employee_number; 役割 → Role (canonical code + local title); 任命 → RoleAssignment;
  監査証跡 → AuditEntry; 年度 → fiscal_year; 和暦 → wareki.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Body(models.Model):
    """A 機関 (市長部局, 教育委員会, ...) that sets its own policy."""

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "機関"
        verbose_name_plural = "機関"

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An organisation unit: 部局 → 課/室 → 係, a tree inside one body."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "部局"
        SECTION = "section", "課・室"
        SUBSECTION = "subsection", "係・担当"

    body = models.ForeignKey(Body, verbose_name="機関", on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name="上位組織",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField("組織コード", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("種別", max_length=20, choices=Kind.choices, default=Kind.SECTION)
    order = models.PositiveIntegerField("表示順", default=0)
    is_active = models.BooleanField("有効", default=True)
    # Materialised path of ids ("/3/17/42/") so "this unit and everything under it" is one indexed
    # prefix query instead of a recursive walk.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["path"]
        verbose_name = "組織"
        verbose_name_plural = "組織"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:unit_detail", args=[self.pk])

    def save(self, *args: object, **kwargs: object) -> None:
        if self.parent_id and self.parent is not None and self.parent.body_id != self.body_id:
            self.body_id = self.parent.body_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        new_path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if new_path != self.path:
            old_path = self.path
            self.path = new_path
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old_path) :]
                    Unit.objects.filter(pk=child.pk).update(path=child.path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def is_within(self, other: Unit) -> bool:
        """Return True when this unit is ``other`` or one of its sub-units."""
        return self.path.startswith(other.path)

    def ancestors(self) -> list[Unit]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part][:-1]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(path__startswith=self.path)

    def full_name(self) -> str:
        return " ".join(u.name for u in [*self.ancestors(), self])


class Person(models.Model):
    """A member of staff (職員等), linked to a login account when they have one."""

    class StaffType(models.TextChoices):
        REGULAR = "regular", "職員"
        PART_TIME = "part_time", "非常勤職員"
        FISCAL_YEAR = "fiscal_year", "会計年度任用職員"

    employee_number = models.CharField("職員番号", max_length=20, unique=True)
    family_name = models.CharField("氏", max_length=50)
    given_name = models.CharField("名", max_length=50, blank=True)
    family_name_kana = models.CharField("氏（ふりがな）", max_length=50, blank=True)
    given_name_kana = models.CharField("名（ふりがな）", max_length=50, blank=True)
    staff_type = models.CharField(
        "職員区分", max_length=20, choices=StaffType.choices, default=StaffType.REGULAR
    )
    unit = models.ForeignKey(Unit, verbose_name="所属", on_delete=models.PROTECT, related_name="people")
    job_title = models.CharField("職名", max_length=50, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    is_active = models.BooleanField("在職", default=True)
    left_on = models.DateField("退職・異動日", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="ログインアカウント",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["unit__path", "employee_number"]
        verbose_name = "職員"
        verbose_name_plural = "職員"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("core:person_detail", args=[self.pk])


class Role(models.Model):
    """A canonical role of the guideline with the title this municipality gives it."""

    class Code(models.TextChoices):
        CISO = "ciso", "最高情報セキュリティ責任者"
        DEPUTY_CISO = "deputy_ciso", "副最高情報セキュリティ責任者"
        CHIEF = "chief", "統括情報セキュリティ責任者"
        SECURITY_OFFICER = "security_officer", "情報セキュリティ責任者"
        SECURITY_MANAGER = "security_manager", "情報セキュリティ管理者"
        SYSTEM_MANAGER = "system_manager", "情報システム管理者"
        SYSTEM_OPERATOR = "system_operator", "情報システム担当者"
        COMMITTEE = "committee", "情報セキュリティ委員会委員"
        CSIRT = "csirt", "CSIRT要員"
        AUDIT_LEAD = "audit_lead", "監査統括責任者"
        AUDITOR = "auditor", "監査人"
        POLICY_OFFICE = "policy_office", "情報セキュリティ事務局"

    code = models.CharField("役割コード", max_length=40, unique=True, choices=Code.choices)
    local_title = models.CharField("本市での名称", max_length=100)
    duty = models.TextField("職務", blank=True)
    is_privileged = models.BooleanField("特権（二要素認証必須）", default=False)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "役割"
        verbose_name_plural = "役割"

    def __str__(self) -> str:
        return self.local_title

    @property
    def canonical_name(self) -> str:
        return self.Code(self.code).label


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def current(self, on: dt.date | None = None) -> RoleAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(
            models.Q(starts_on__lte=day), models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
        )


class RoleAssignment(models.Model):
    """A person holds a role for a unit and its sub-units (no unit: the whole municipality)."""

    person = models.ForeignKey(
        Person, verbose_name="職員", on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.ForeignKey(Role, verbose_name="役割", on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(
        Unit,
        verbose_name="担当組織",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        help_text="空欄のときは全庁",
    )
    starts_on = models.DateField("開始日", default=timezone.localdate)
    ends_on = models.DateField("終了日", null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role__order", "starts_on"]
        verbose_name = "役割の任命"
        verbose_name_plural = "役割の任命"

    def __str__(self) -> str:
        scope = self.unit.name if self.unit else "全庁"
        return f"{self.person} — {self.role}（{scope}）"

    def is_current(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class LoginFailure(models.Model):
    """One failed login for a username, kept to enforce the lockout window."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "ログイン失敗"
        verbose_name_plural = "ログイン失敗"


class AuditEntry(models.Model):
    """One row of the append-only, hash-chained audit trail (監査証跡)."""

    class Action(models.TextChoices):
        CREATE = "create", "作成"
        UPDATE = "update", "更新"
        DELETE = "delete", "削除"
        READ = "read", "閲覧"
        LOGIN = "login", "ログイン"
        LOGIN_FAILED = "login_failed", "ログイン失敗"
        LOGOUT = "logout", "ログアウト"
        LOCKOUT = "lockout", "ロック"
        UNLOCK = "unlock", "ロック解除"
        IMPORT = "import", "取込"
        EXPORT = "export", "出力"
        OTHER = "other", "その他"

    seq = models.PositiveBigIntegerField("通番", unique=True)
    at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作者名", max_length=150)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    object_type = models.CharField("対象の種類", max_length=100, db_index=True)
    object_id = models.CharField("対象ID", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("対象", max_length=255, blank=True)
    changes = models.JSONField("変更内容", default=dict, blank=True)
    via = models.CharField("経路", max_length=20, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = "監査証跡"
        verbose_name_plural = "監査証跡"

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only")
