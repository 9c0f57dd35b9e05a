"""Retention: originals are purged after the retention period, except under a legal hold; purges are logged."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from mamori.core.models import AuditEntry
from mamori.gateway.vault import Vault
from mamori.quarantine.models import QuarantinedMessage
from tests.gateway.messages import iso2022jp_mail, malicious_mail


def test_expired_originals_are_purged_but_held_ones_kept(settings, login, ciso, mailboxes, receive, data_dir):
    settings.MAMORI_QUARANTINE_RETENTION_DAYS = 30
    old = receive(iso2022jp_mail("<old@example.com>"), ["staff@city.example.jp"])
    held = receive(malicious_mail("<held@example.com>"), ["staff@city.example.jp"])
    fresh = receive(malicious_mail("<fresh@example.com>"), ["staff@city.example.jp"])
    QuarantinedMessage.objects.filter(pk__in=[old.pk, held.pk]).update(
        received_at=timezone.now() - dt.timedelta(days=31)
    )
    login(ciso).post(f"/quarantine/r/{held.reference}/hold/", {"hold": "1"})
    vault = Vault(data_dir)

    call_command("purge_quarantine")

    old.refresh_from_db()
    held.refresh_from_db()
    fresh.refresh_from_db()
    assert old.is_purged and not vault.exists(old.original_address)
    assert held.legal_hold and not held.is_purged and vault.exists(held.original_address)
    assert not fresh.is_purged and vault.exists(fresh.original_address)
    entry = AuditEntry.objects.filter(action="delete", object_type="quarantine.quarantinedmessage").last()
    assert entry.changes["purged"] == 1 and entry.changes["kept_on_hold"] == 1
    assert entry.changes["references"] == [old.reference]


def test_staff_cannot_set_a_legal_hold(login, staff, mailboxes, receive):
    message = receive(iso2022jp_mail("<x@example.com>"), ["staff@city.example.jp"])
    assert login(staff).post(f"/quarantine/r/{message.reference}/hold/", {"hold": "1"}).status_code == 404
    message.refresh_from_db()
    assert message.legal_hold is False
