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


def test_control_characters_in_untrusted_headers_are_dropped_before_storing(mailboxes, receive, login, ciso):
    raw = (
        b"From: bad\x00name <x@example.com>\r\nTo: staff@city.example.jp\r\nSubject: a\x01b\x00c\r\n"
        b"Message-ID: <nul@example.com>\r\n\r\nbody\r\n"
    )
    message = receive(raw, ["staff@city.example.jp"])  # PostgreSQL refuses NUL in text columns
    assert "\x00" not in message.from_header and "\x00" not in message.subject
    assert login(ciso).get(f"/quarantine/r/{message.reference}/").status_code == 200
