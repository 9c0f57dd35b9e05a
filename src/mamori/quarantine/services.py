"""State changes of the quarantine: the gateway's narrow interface, delivery bookkeeping and retention.

The gateway calls :func:`record_message` once per sanitized message (idempotent by spool id, so a
message reprocessed after a crash is recorded once) and the ``mark_*`` functions as delivery proceeds.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from mamori.core import audit
from mamori.quarantine.models import MessageRecipient, QuarantinedAttachment, QuarantinedMessage

logger = logging.getLogger("mamori.quarantine")

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


def new_reference() -> str:
    """Return a new reference number such as ``Q-7K2M9XPA``."""
    return "Q-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class Recorded:
    """What the gateway needs back after recording a message."""

    reference: str
    status: str
    is_new: bool


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clip(value: object, size: int) -> str:
    # Header values come from untrusted mail: PostgreSQL refuses NUL in text, and no control
    # character belongs in a search field.
    return _CONTROL.sub("", str(value or ""))[:size]


def record_message(
    *,
    spool_id: str,
    envelope_from: str,
    rcpt_tos: Sequence[str],
    received_at: dt.datetime,
    peer: str,
    headers: Mapping[str, str],
    report: Mapping[str, object],
    original_address: str,
    original_size: int,
    sanitize_ms: int,
) -> Recorded:
    """Record one sanitized message and its original's address (once per spool id)."""
    from mamori.core.models import Person

    existing = QuarantinedMessage.objects.filter(spool_id=spool_id).values_list("reference", "status").first()
    if existing is not None:
        return Recorded(existing[0], existing[1], is_new=False)
    raw_attachments = report.get("attachments")
    raw_actions = report.get("actions")
    attachments = (
        [a for a in raw_attachments if isinstance(a, Mapping)] if isinstance(raw_attachments, list) else []
    )
    actions = [str(a) for a in raw_actions] if isinstance(raw_actions, list | tuple) else []
    # Person.email is matched case-insensitively (mail domains and, in practice, local parts are).
    lowered = sorted({r.lower() for r in rcpt_tos})
    people = {
        p.email_lower: p
        for p in Person.objects.filter(is_active=True)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=lowered)
        .select_related("unit")
    }
    for _ in range(5):
        try:
            with transaction.atomic():
                message = QuarantinedMessage(
                    reference=new_reference(),
                    spool_id=spool_id,
                    message_id=_clip(headers.get("message-id"), 255),
                    envelope_from=_clip(envelope_from, 320),
                    from_header=_clip(headers.get("from"), 500),
                    subject=_clip(report.get("subject") or headers.get("subject"), 500),
                    received_at=received_at,
                    peer=_clip(peer, 100),
                    verdict=_clip(report.get("verdict"), 20),
                    actions=actions,
                    action_tokens=_clip(" " + " ".join(actions) + " ", 500),
                    report=dict(report),
                    original_address=original_address,
                    original_size=original_size,
                    sanitize_ms=sanitize_ms,
                    has_held=any(a.get("verdict") == "held" for a in attachments)
                    or "MESSAGE_HELD" in actions,
                )
                # bulk_create skips the per-row audit signal; one summary entry is written below.
                QuarantinedMessage.objects.bulk_create([message])
                if message.pk is None:
                    message = QuarantinedMessage.objects.get(spool_id=spool_id)
                MessageRecipient.objects.bulk_create(
                    [
                        MessageRecipient(
                            message=message,
                            address=_clip(address.lower(), 320),
                            person=people.get(address.lower()),
                            unit=people[address.lower()].unit if address.lower() in people else None,
                        )
                        for address in rcpt_tos
                    ]
                )
                if attachments:
                    QuarantinedAttachment.objects.bulk_create(
                        [
                            QuarantinedAttachment(
                                message=message,
                                index=index,
                                filename=_clip(item.get("filename"), 500) or f"添付{index + 1}",
                                detected_type=_clip(item.get("detected_type"), 40),
                                content_type=_clip(item.get("content_type"), 200),
                                sha256=_clip(item.get("sha256"), 64),
                                verdict=_clip(item.get("verdict"), 20),
                                reason=_clip(item.get("reason"), 1000),
                                output_filename=_clip(item.get("output_filename"), 500),
                            )
                            for index, item in enumerate(attachments)
                        ]
                    )
                audit.record(
                    "create",
                    object_type=audit.model_label(QuarantinedMessage),
                    object_id=message.pk,
                    object_repr=str(message)[:255],
                    changes={
                        "reference": message.reference,
                        "recipients": list(rcpt_tos)[:20],
                        "verdict": message.verdict,
                        "actions": actions,
                    },
                    via="gateway",
                )
                return Recorded(message.reference, message.status, is_new=True)
        except IntegrityError:
            existing = (
                QuarantinedMessage.objects.filter(spool_id=spool_id)
                .values_list("reference", "status")
                .first()
            )
            if existing is not None:
                return Recorded(existing[0], existing[1], is_new=False)
            continue  # reference collision: draw again
    raise RuntimeError("could not allocate a unique reference")


def is_finished(spool_id: str) -> bool:
    """Tell whether the message of ``spool_id`` was already delivered or given up (to drop duplicates)."""
    status = QuarantinedMessage.objects.filter(spool_id=spool_id).values_list("status", flat=True).first()
    return status in (QuarantinedMessage.Status.DELIVERED, QuarantinedMessage.Status.FAILED)


def _refresh_status(message_id: int) -> None:
    statuses = set(MessageRecipient.objects.filter(message_id=message_id).values_list("status", flat=True))
    if MessageRecipient.Status.PENDING in statuses:
        return
    if statuses == {MessageRecipient.Status.DELIVERED}:
        status = QuarantinedMessage.Status.DELIVERED
    elif MessageRecipient.Status.DELIVERED in statuses:
        status = QuarantinedMessage.Status.PARTIAL
    else:
        status = QuarantinedMessage.Status.FAILED
    QuarantinedMessage.objects.filter(pk=message_id).update(status=status, delivered_at=timezone.now())


def mark_delivered(*, spool_id: str, rcpt_tos: Sequence[str]) -> None:
    """Record that the downstream server accepted the message for these recipients."""
    with transaction.atomic():
        message_id = QuarantinedMessage.objects.filter(spool_id=spool_id).values_list("pk", flat=True).first()
        if message_id is None:
            return
        MessageRecipient.objects.filter(
            message_id=message_id, address__in=[r.lower() for r in rcpt_tos]
        ).update(status=MessageRecipient.Status.DELIVERED)
        _refresh_status(message_id)


def mark_deferred(*, spool_id: str, reason: str) -> None:
    """Record one temporary delivery failure."""
    QuarantinedMessage.objects.filter(spool_id=spool_id).update(
        deferrals=F("deferrals") + 1, last_error=reason[:500]
    )


def mark_failed(*, spool_id: str, failures: Sequence[tuple[str, str]]) -> None:
    """Record permanent failures and tell each recipient's administrator (never the internet sender)."""
    from mamori.core.models import Person, RoleAssignment

    with transaction.atomic():
        message = QuarantinedMessage.objects.filter(spool_id=spool_id).first()
        if message is None:
            return
        notify: dict[str, list[str]] = {}
        for address, reason in failures:
            recipient = message.recipients.filter(address=address.lower()).select_related("unit").first()
            if recipient is None:
                continue
            MessageRecipient.objects.filter(pk=recipient.pk).update(
                status=MessageRecipient.Status.FAILED, failure=reason[:500]
            )
            admins: list[str] = []
            if recipient.unit is not None:
                ancestors = [recipient.unit, *reversed(recipient.unit.ancestors())]
                for unit in ancestors:
                    admins = list(
                        Person.objects.filter(
                            is_active=True,
                            assignments__in=RoleAssignment.objects.current().filter(
                                role__code="security_manager", unit=unit
                            ),
                        )
                        .exclude(email="")
                        .values_list("email", flat=True)
                    )
                    if admins:
                        break
            if not admins and settings.MAMORI_GATEWAY_POSTMASTER:
                admins = [settings.MAMORI_GATEWAY_POSTMASTER]
            for admin in admins:
                notify.setdefault(admin, []).append(f"{address}: {reason}")
        message.last_error = "; ".join(r for _, r in failures)[:500]
        QuarantinedMessage.objects.filter(pk=message.pk).update(last_error=message.last_error)
        _refresh_status(message.pk)
        audit.record(
            "other",
            object_type=audit.model_label(QuarantinedMessage),
            object_id=message.pk,
            object_repr=str(message)[:255],
            changes={"event": "delivery_failed", "failures": [list(f) for f in failures][:20]},
            via="gateway",
        )
        reference, subject = message.reference, message.subject

        def send_notices() -> None:
            for admin, lines in notify.items():
                send_mail(
                    f"【守り】配送できなかったメールがあります（{reference}）",
                    "無害化ゲートウェイから庁内メールサーバーへ配送できなかったメールがあります。\n"
                    "送信者への不達通知（バックスキャッター）は送っていません。必要に応じて宛先の職員へ連絡してください。\n\n"
                    f"参照番号: {reference}\n件名: {subject}\n\n" + "\n".join(lines),
                    settings.DEFAULT_FROM_EMAIL,
                    [admin],
                    fail_silently=True,
                )

        transaction.on_commit(send_notices)
    logger.warning("delivery failed permanently", extra={"event": "failed", "reference": reference})
