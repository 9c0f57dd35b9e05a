"""Searching held originals by sender, recipient, subject, date, verdict and action."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mamori.quarantine.models import QuarantinedMessage
from tests.gateway.messages import iso2022jp_mail, malicious_mail


def _found(client, **params) -> set[str]:
    page = client.get("/quarantine/", params).content.decode()
    return {ref for ref in QuarantinedMessage.objects.values_list("reference", flat=True) if ref in page}


def test_search_filters_narrow_the_list(login, ciso, mailboxes, receive):
    plain = receive(
        iso2022jp_mail("<s1@example.com>"), ["staff@city.example.jp"], mail_from="yamada@example.com"
    )
    evil = receive(
        malicious_mail("<s2@example.com>", to="other@city.example.jp"),
        ["other@city.example.jp"],
        mail_from="billing@attacker.example",
    )
    QuarantinedMessage.objects.filter(pk=plain.pk).update(received_at=timezone.now() - dt.timedelta(days=3))
    client = login(ciso)
    assert _found(client) == {plain.reference, evil.reference}
    assert _found(client, sender="attacker") == {evil.reference}
    assert _found(client, recipient="STAFF@city") == {plain.reference}
    assert _found(client, subject="住民票") == {plain.reference}
    assert _found(client, action="ATTACHMENT_REMOVED") == {evil.reference}
    assert _found(client, verdict=evil.verdict) >= {evil.reference}
    today = timezone.localdate().isoformat()
    assert _found(client, date_from=today) == {evil.reference}
    assert _found(client, date_to=(timezone.localdate() - dt.timedelta(days=1)).isoformat()) == {
        plain.reference
    }
