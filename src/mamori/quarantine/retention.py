"""Retention: originals older than the retention period are deleted, except those under a legal hold."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mamori.core import audit
from mamori.quarantine.models import QuarantinedMessage

logger = logging.getLogger("mamori.quarantine")


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    kept_on_hold: int
    bytes_freed: int


def purge_expired(*, days: int | None = None, now: dt.datetime | None = None) -> PurgeResult:
    """Delete originals received more than ``days`` ago (default from settings); keep held ones."""
    from mamori.quarantine.release import vault

    keep_days = settings.MAMORI_QUARANTINE_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days)
    expired = QuarantinedMessage.objects.filter(received_at__lt=cutoff, purged_at__isnull=True)
    kept = expired.filter(legal_hold=True).count()
    store = vault()
    purged = 0
    freed = 0
    references: list[str] = []
    for message in expired.filter(legal_hold=False).iterator(chunk_size=500):
        with transaction.atomic():
            QuarantinedMessage.objects.filter(pk=message.pk).update(purged_at=timezone.now())
            # Content-addressed: delete the file only when no other live message shares it.
            shared = (
                QuarantinedMessage.objects.filter(
                    original_address=message.original_address, purged_at__isnull=True
                )
                .exclude(pk=message.pk)
                .exists()
            )
            if not shared and message.original_address:
                freed += store.delete(message.original_address)  # type: ignore[attr-defined]
        purged += 1
        references.append(message.reference)
    if purged or kept:
        with audit.acting_as(None, via="task", label="quarantine-retention"):
            audit.record(
                "delete",
                object_type=audit.model_label(QuarantinedMessage),
                object_repr=f"保存期間（{keep_days}日）を過ぎた原本 {purged} 件を削除",
                changes={"purged": purged, "kept_on_hold": kept, "references": references[:1000]},
            )
    logger.info(
        f"purged {purged} originals, kept {kept} on hold",
        extra={"event": "purge", "code": f"purged={purged} kept={kept} bytes={freed}"},
    )
    return PurgeResult(purged, kept, freed)


@transaction.atomic
def set_legal_hold(*, actor: object, message: QuarantinedMessage, hold: bool) -> None:
    """Put a message under a legal hold (never purged) or release the hold."""
    message.legal_hold = hold
    message.save(update_fields=["legal_hold"])
