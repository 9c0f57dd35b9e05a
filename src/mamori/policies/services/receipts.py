"""Read receipts (遵守義務): confirming, and reminding those who have not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from mamori.core import audit
from mamori.core.models import Person
from mamori.core.permissions import person_of
from mamori.policies.models import (
    PolicyVersion,
    ReadReceipt,
    VersionStatus,
)
from mamori.policies.services._common import PolicyActionError

# --- read receipts ---------------------------------------------------------------------------------


@transaction.atomic
def confirm_read(*, actor: object, version: PolicyVersion) -> ReadReceipt:
    """Record that the acting person has read the version in force (確認しました)."""
    person = person_of(actor)
    if not isinstance(person, Person):
        raise PolicyActionError("no_person", "職員として登録されていないため確認できません。")
    receipt = ReadReceipt.objects.select_for_update().filter(version=version, person=person).first()
    if receipt is None:
        raise PolicyActionError("not_addressed", "この版の確認対象ではありません。")
    if receipt.confirmed_at is None:
        receipt.confirmed_at = timezone.now()
        receipt.save()
    return receipt


def _send_reminder(receipt: ReadReceipt) -> None:
    version = receipt.version
    title = version.document.title
    send_mail(
        subject=f"【確認のお願い】{title}（{version.label}）",
        message=(
            f"{receipt.person.full_name} 様\n\n"
            f"「{title}」{version.label} が施行されています。\n"
            "内容を読み、守りの画面で「確認しました」を押してください。\n\n"
            "このメールは守り（Mamori）から自動送信しています。\n"
        ),
        from_email=None,
        recipient_list=[receipt.person.email],
    )


def send_reminders(
    *,
    min_days_between: int = 7,
    now: dt.datetime | None = None,
    version: PolicyVersion | None = None,
    person_ids: Iterable[int] | None = None,
) -> int:
    """E-mail everyone who has not confirmed an in-force version; at most one reminder per interval."""
    moment = now or timezone.now()
    cutoff = moment - dt.timedelta(days=min_days_between)
    pending = (
        ReadReceipt.objects.filter(confirmed_at__isnull=True, version__status=VersionStatus.IN_FORCE)
        .filter(models.Q(last_reminded_at__isnull=True) | models.Q(last_reminded_at__lt=cutoff))
        .exclude(person__email="")
        .filter(person__is_active=True)
        .select_related("person", "version", "version__document")
    )
    if version is not None:
        pending = pending.filter(version=version)
    if person_ids is not None:
        pending = pending.filter(person_id__in=list(person_ids))
    sent = 0
    for receipt in pending:
        with transaction.atomic():
            # Claim the receipt with a conditional update so two workers never mail the same person twice.
            claimed = ReadReceipt.objects.filter(
                pk=receipt.pk, last_reminded_at=receipt.last_reminded_at
            ).update(last_reminded_at=moment, reminder_count=models.F("reminder_count") + 1)
            if not claimed:
                continue
            transaction.on_commit(partial(_send_reminder, receipt))
            sent += 1
    if sent:
        audit.record(
            "other",
            object_type="policies.readreceipt",
            object_repr="確認の督促メール",
            changes={"sent": sent},
        )
    return sent
